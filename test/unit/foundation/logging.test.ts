import { createHash } from 'node:crypto';
import { createLogger, type Logger } from '../../../src/logging';
import { pseudonymize, REDACTED } from '../../../src/privacy/redact';
import population from '../../../src/minid/population.json';
import { logCapture } from '../../support/harness';

/**
 * The logger is the privacy net under every log call: whatever way a national ID number, a phone number or
 * a one-time code reaches it, none may come out in clear. The comparison is on digit-only forms, so a
 * number that survives with its separators ("148385 10036") or split over words still counts as a leak.
 */

const NATIONAL_IDS = population.people.map((p) => p.nationalId);
const ID = NATIONAL_IDS[0];
/** How people type an 11-digit number: groups split by spaces, dots, dashes, no-break spaces, en dashes. */
function idShapes(id: string): string[] {
  return [
    id,
    `${id.slice(0, 6)} ${id.slice(6)}`,
    `${id.slice(0, 2)}.${id.slice(2, 4)}.${id.slice(4, 6)} ${id.slice(6, 9)}.${id.slice(9)}`,
    `${id.slice(0, 6)}-${id.slice(6)}`,
    `${id.slice(0, 6)}\u00a0${id.slice(6)}`,
    `${id.slice(0, 6)}\u2013${id.slice(6)}`,
  ];
}
const PHONES = ['+4741234567', '412 34 567', '0047 41234567', '41234567', '+47 412 34 567', '41 23 45 67'];
const CODES = ['123456', '042917'];

const digitsOf = (s: string) => s.replace(/\D/g, '');
/**
 * Every seeded secret as digits only; a line leaks when its digits contain one of these. Numbers logged
 * as numbers lose a leading zero ("01861450070" -> 1861450070), and a phone may be 47 + 8 digits.
 */
const SECRET_DIGITS = [
  ...new Set([
    ...NATIONAL_IDS,
    ...NATIONAL_IDS.map((id) => String(Number(id))),
    '41234567',
    '4741234567',
    ...CODES,
  ]),
];

/** Dates and instants are not personal data here and must stay readable. */
const INSTANT = '2026-11-24T12:00:00+01:00';
const INSTANT_Z = '2026-11-24T11:00:00.000Z';
const DATE = '2026-12-08';

function capture(level = 'debug'): {
  logger: Logger;
  lines: string[];
  records: () => Record<string, unknown>[];
} {
  const { destination, lines } = logCapture();
  const logger = createLogger({ level, destination });
  return { logger, lines, records: () => lines.map((l) => JSON.parse(l) as Record<string, unknown>) };
}

/** A line's digits, without pino's own epoch-millisecond `time`, which is not ours to police. */
function lineDigits(record: Record<string, unknown>): string {
  const rest = { ...record };
  delete rest.time;
  return digitsOf(JSON.stringify(rest));
}

function leaksIn(records: Record<string, unknown>[]): string[] {
  const found: string[] = [];
  for (const record of records) {
    const digits = lineDigits(record);
    for (const secret of SECRET_DIGITS)
      if (digits.includes(secret)) found.push(`${secret} in ${JSON.stringify(record)}`);
  }
  return found;
}

/** Logs every seeded value through one way of logging; the test asserts on what came out. */
type Way = (logger: Logger, secret: string) => void;

/**
 * Numbers are redacted when they have the size of a phone or ID number (8-11 digits); shorter ones are
 * counts and durations by design, so a one-time code is only ever seeded as text.
 */
const NUMERIC_SEEDS = [...NATIONAL_IDS, '41234567', '+4741234567', '0047 41234567'];
const asNumber = (s: string) => Number(digitsOf(s).replace(/^00/, ''));

const WAYS: Record<string, Way> = {
  'message string': (l, s) => l.info(`user typed ${s} at ${INSTANT}`),
  'message only, at debug': (l, s) => l.debug(s),
  'printf %s': (l, s) => l.info('user typed %s at %s', s, INSTANT),
  'printf %j object': (l, s) => l.info('payload %j', { note: s, at: INSTANT }),
  'printf %o object': (l, s) => l.info('payload %o', { details: { input: s } }),
  'printf %d number': (l, s) => l.info('value %d and %d', asNumber(s), asNumber(s)),
  'merging object under an innocent key': (l, s) => l.info({ note: s, at: INSTANT }, 'note'),
  'nested object details.input': (l, s) => l.info({ details: { input: s, when: DATE } }, 'nested'),
  'deeply nested object': (l, s) => l.warn({ a: { b: { c: { d: { e: s } } } } }, 'deep'),
  'sensitive key names': (l, s) => l.info({ nationalId: s, phone: s, code: s, text: s }, 'keys'),
  array: (l, s) => l.info({ list: [s, { input: s }, [s]] }, 'array'),
  'number value': (l, s) => l.info({ count: asNumber(s), details: { list: [asNumber(s)] } }, 'number'),
  'error under err': (l, s) => l.error({ err: new Error(`lookup failed for ${s} at ${INSTANT}`) }, 'failed'),
  'error as the only argument': (l, s) => l.error(new Error(`lookup failed for ${s}`)),
  'error under err without a message': (l, s) => l.error({ err: new Error(`lookup failed for ${s}`) }),
  'error under error': (l, s) => l.error({ error: new Error(`bad ${s}`) }, 'failed'),
  'error nested in details': (l, s) => l.error({ details: { cause: new Error(`bad ${s}`) } }, 'failed'),
  'error with the secret in its stack only': (l, s) => {
    const err = new Error('stack only');
    err.stack = `Error: stack only\n    at check (${s}.ts:1:1)\n    at input ${s}`;
    l.error({ err }, 'failed');
  },
  'thrown non-error value': (l, s) => l.error({ err: `string thrown ${s}` }, 'failed'),
  'child logger bindings': (l, s) => l.child({ note: s }).info('child'),
  'child logger message': (l, s) => l.child({ component: 'x' }).info(`child saw ${s}`),
};

const SEEDS: Array<[kind: string, value: string]> = [
  ...NATIONAL_IDS.flatMap((id) => idShapes(id).map((shape): [string, string] => ['national ID', shape])),
  ...PHONES.map((p): [string, string] => ['phone', p]),
  ...CODES.map((c): [string, string] => ['code', c]),
];

const NUMERIC_WAYS = new Set(['printf %d number', 'number value']);

describe('createLogger redacts seeded personal data in every way of logging', () => {
  it.each(Object.keys(WAYS))('%s', (way) => {
    const { logger, records } = capture();
    const seeds = NUMERIC_WAYS.has(way) ? NUMERIC_SEEDS : SEEDS.map(([, value]) => value);
    for (const value of seeds) WAYS[way](logger, value);
    const out = records();
    // Everything was logged (one line per call) and redacted where something was.
    expect(out).toHaveLength(seeds.length);
    expect(leaksIn(out)).toEqual([]);
    expect(out.some((r) => JSON.stringify(r).includes(REDACTED))).toBe(true);
  });

  it('keeps ISO instants and dates readable in messages, fields and error messages', () => {
    const { logger, records } = capture();
    logger.info(`order for ${ID} placed ${INSTANT}, delivery around ${DATE}`);
    logger.info({ details: { at: INSTANT_Z, input: ID } }, 'placed %s', DATE);
    logger.error({ err: new Error(`failed at ${INSTANT} for ${ID}`) }, 'order failed');
    logger.info({ at: new Date(INSTANT_Z), days: [new Date(`${DATE}T00:00:00Z`)] }, 'dates');
    const [msg, fields, err, dates] = records();
    expect(msg.msg).toBe(`order for ${REDACTED} placed ${INSTANT}, delivery around ${DATE}`);
    expect(fields.details).toEqual({ at: INSTANT_Z, input: REDACTED });
    expect(fields.msg).toBe(`placed ${DATE}`);
    const e = err.err as { type: string; message: string; stack: string };
    expect(e.type).toBe('Error');
    expect(e.message).toBe(`failed at ${INSTANT} for ${REDACTED}`);
    expect(e.stack).toContain(`failed at ${INSTANT} for ${REDACTED}`);
    expect(dates).toMatchObject({ at: INSTANT_Z, days: [`${DATE}T00:00:00.000Z`] });
    expect(leaksIn(records())).toEqual([]);
  });

  it('logs errors with their type, message and stack (redacted, not lost)', () => {
    const { logger, records } = capture();
    class RegisterError extends Error {
      name = 'RegisterError';
    }
    logger.error({ err: new RegisterError(`register down for ${ID}`) }, 'lookup');
    logger.error(new TypeError('plain failure'));
    const [first, second] = records();
    expect(first.err).toMatchObject({ type: 'RegisterError', message: `register down for ${REDACTED}` });
    expect(String((first.err as { stack: string }).stack)).toMatch(/\n\s+at /);
    expect(second.err).toMatchObject({ type: 'TypeError', message: 'plain failure' });
    expect(second.msg).toBe('plain failure');
  });

  it('keeps harmless values: small numbers, words, ports and levels', () => {
    const { logger, records } = capture();
    logger.info({ ms: 42, port: 3978, channel: 'msteams', count: 3 }, 'bot listening');
    const [r] = records();
    expect(r).toMatchObject({ level: 'info', ms: 42, port: 3978, channel: 'msteams', count: 3 });
    expect(r.msg).toBe('bot listening');
  });

  it('cuts a logged request or response down to method, path and status (no headers, query or body)', () => {
    const { logger, lines, records } = capture();
    const req = {
      method: 'GET',
      url: '/sandbox/sms?to=%2B4741234567',
      headers: { authorization: 'Bearer c2VjcmV0' },
      rawHeaders: ['Authorization', 'Bearer c2VjcmV0', 'Cookie', `id=${ID}`],
      body: { text: ID },
    };
    logger.warn({ req, res: { statusCode: 500, _body: { text: ID } } }, 'error in formatter');
    const [r] = records();
    expect(r.req).toEqual({ method: 'GET', path: '/sandbox/sms' });
    expect(r.res).toEqual({ statusCode: 500 });
    expect(lines.join('\n')).not.toContain('c2VjcmV0');
    expect(lines.join('\n')).not.toContain('4741234567');
    expect(lines.join('\n')).not.toContain(ID);
  });

  it('respects the level: nothing below it is written', () => {
    const { logger, lines } = capture('warn');
    logger.info(`info ${ID}`);
    logger.debug('debug');
    logger.warn('warned');
    expect(lines.map((l) => (JSON.parse(l) as { msg: string }).msg)).toEqual(['warned']);
  });
});

describe('pseudonymize', () => {
  const SECRET = 'pseudonym-secret-0123456789';

  it('gives a stable 16-hex id per identifier and secret', () => {
    const a = pseudonymize('conversation-1', SECRET);
    expect(a).toMatch(/^[0-9a-f]{16}$/);
    expect(pseudonymize('conversation-1', SECRET)).toBe(a);
  });

  it('differs per identifier and per secret', () => {
    const ids = ['conversation-1', 'conversation-2', ID, `${ID} `];
    const values = ids.map((id) => pseudonymize(id, SECRET));
    expect(new Set(values).size).toBe(ids.length);
    expect(pseudonymize('conversation-1', 'another-secret-0123456789')).not.toBe(values[0]);
  });

  it('cannot be reversed or recomputed without the secret', () => {
    const p = pseudonymize(ID, SECRET);
    expect(digitsOf(p)).not.toContain(ID);
    // Not a plain hash of the identifier: without the secret a list of candidate numbers does not help.
    for (const alg of ['sha256', 'sha1', 'md5']) {
      expect(createHash(alg).update(ID).digest('hex')).not.toContain(p);
    }
    expect(p).not.toBe(pseudonymize(ID, ''));
  });

  it('gives "-" for a missing identifier', () => {
    expect(pseudonymize(undefined, SECRET)).toBe('-');
    expect(pseudonymize('', SECRET)).toBe('-');
  });

  it('survives logging intact, so log lines can be correlated', () => {
    const { logger, records } = capture();
    // Enough ids that some contain digit runs the redaction would otherwise take for codes or numbers.
    const ids = Array.from({ length: 200 }, (_, i) => pseudonymize(`conversation-${i}`, SECRET));
    expect(ids.some((p) => /\d{4,}/.test(p))).toBe(true);
    for (const conversation of ids) logger.info({ conversation }, 'turn');
    expect(records().map((r) => r.conversation)).toEqual(ids);
  });
});
