/**
 * The activity check's fast path (isPlainActivity) may only accept what the zod schema accepts, and
 * only where the schema would return the body unchanged: checked on real activities of every channel,
 * on generated ones, and on hostile mutations of them. It must also accept the ordinary activities (else
 * it would save nothing), and parseActivity must still refuse what the schema refuses.
 */
import fc from 'fast-check';
import { activitySchema, isPlainActivity, parseActivity, BadRequestBodyError } from '../../src/http/body';

const message = (): Record<string, unknown> => ({
  type: 'message',
  id: 'bench-1',
  text: 'mitt fødselsnummer er 14838510036',
  locale: 'nb-NO',
  channelId: 'webchat',
  serviceUrl: 'http://127.0.0.1:9',
  deliveryMode: 'expectReplies',
  timestamp: '2026-12-03T10:00:00.000Z',
  from: { id: 'user-1', role: 'user', name: 'Kari' },
  recipient: { id: 'bot', role: 'bot' },
  conversation: { id: 'conv-1', name: 'x', conversationType: 'personal' },
});

const REAL: Array<Record<string, unknown>> = [
  message(),
  // Teams: clientInfo entity, channelData, a tenant field the schema does not name.
  {
    ...message(),
    channelId: 'msteams',
    serviceUrl: 'https://smba.trafficmanager.net/emea/',
    entities: [{ type: 'clientInfo', locale: 'nn-NO', country: 'NO' }],
    channelData: { tenant: { id: 't' } },
    attachments: [{ contentType: 'text/html', content: '<p>hei</p>' }],
  },
  {
    ...message(),
    type: 'conversationUpdate',
    text: undefined,
    membersAdded: [{ id: 'user-1' }, { id: 'bot' }],
  },
  { ...message(), type: 'event', name: 'handoff.status', value: { state: 'accepted' } },
];

function zodAccepts(body: unknown): { ok: boolean; data?: unknown } {
  const r = activitySchema.safeParse(body);
  return r.success ? { ok: true, data: r.data } : { ok: false };
}

/** The fast path's promise: accepted there means accepted by the schema, with an equal result. */
function checkAgreement(body: unknown): void {
  if (!isPlainActivity(body)) return;
  const zod = zodAccepts(body);
  expect(zod.ok).toBe(true);
  expect(zod.data).toEqual(body);
}

const strings = fc.oneof(
  fc.string({ maxLength: 8 }),
  fc.constantFrom('', ' ', '\t', 'x'.repeat(65), 'x'.repeat(257), 'x'.repeat(513), 'x'.repeat(2049)),
  fc.constantFrom(
    'http://127.0.0.1:9',
    'https://smba.trafficmanager.net/emea/',
    ' https://a.no',
    'https://a.no ',
    'https://a\n.no',
    'http:a.no',
    'https:/a.no',
    'ftp://a.no',
    'javascript:alert(1)',
    'HTTPS://A.NO/X',
    'http://[::1]:80/',
    'http://exa mple.no',
    'https://a.no/\u0000',
    'https://',
  ),
);
const values: fc.Arbitrary<unknown> = fc.oneof(
  strings,
  fc.integer(),
  fc.constant(null),
  fc.boolean(),
  fc.constant(undefined),
  fc.array(fc.constant({ id: 'a' }), { maxLength: 3 }),
  fc.dictionary(fc.constantFrom('id', 'name', 'role', 'type', 'contentType'), strings, { maxKeys: 3 }),
);
const FIELDS = [
  'type',
  'id',
  'text',
  'locale',
  'channelId',
  'serviceUrl',
  'timestamp',
  'deliveryMode',
  'conversation',
  'from',
  'recipient',
  'replyToId',
  'membersAdded',
  'membersRemoved',
  'entities',
  'attachments',
  'name',
  'channelData',
  'value',
];

describe('isPlainActivity (the fast path of parseActivity)', () => {
  it.each(REAL.map((a) => [a.channelId, a.type, a] as const))(
    'accepts a real %s %s activity, as the schema does, unchanged',
    (_channel, _type, activity) => {
      expect(isPlainActivity(activity)).toBe(true);
      checkAgreement(activity);
    },
  );

  it('accepts only what the schema accepts unchanged: one field at a time replaced by anything', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...REAL),
        fc.constantFrom(...FIELDS),
        values,
        fc.constantFrom(undefined, 'id', 'name', 'role', 'type', 'contentType'),
        (base, field, value, inner) => {
          const body: Record<string, unknown> = structuredClone(base);
          // Either the field itself, or a field inside an account / the first list entry.
          const target = body[field];
          if (inner && target && typeof target === 'object') {
            const holder = (Array.isArray(target) ? target[0] : target) as
              Record<string, unknown> | undefined;
            if (holder && typeof holder === 'object') holder[inner] = value;
          } else {
            body[field] = value;
          }
          checkAgreement(body);
        },
      ),
      { numRuns: 3000 },
    );
  });

  it('accepts only what the schema accepts unchanged: whole bodies of anything', () => {
    fc.assert(
      fc.property(fc.dictionary(fc.constantFrom(...FIELDS), values, { maxKeys: 12 }), (body) => {
        checkAgreement({ ...message(), ...body });
        checkAgreement(body);
      }),
      { numRuns: 2000 },
    );
  });

  it('refuses, through the schema, what the schema refuses', () => {
    for (const bad of [
      { ...message(), serviceUrl: 'ftp://a.no' },
      { ...message(), serviceUrl: 'http:a.no' },
      { ...message(), type: '' },
      { ...message(), from: { name: 'no id' } },
      { ...message(), conversation: null },
      { ...message(), entities: [{ notype: 1 }] },
      { ...message(), text: 'x'.repeat(8 * 1024 + 1) },
      [message()],
      'message',
    ]) {
      expect(isPlainActivity(bad)).toBe(false);
      expect(() => parseActivity(bad)).toThrow(BadRequestBodyError);
    }
  });

  it('leaves to the schema what it would change: a URL it trims', () => {
    const padded = { ...message(), serviceUrl: ' https://a.no/ ' };
    expect(isPlainActivity(padded)).toBe(false);
    expect(parseActivity(padded).serviceUrl).toBe('https://a.no/');
  });
});
