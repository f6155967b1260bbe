import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import population from '../../src/minid/population.json';

/**
 * The committed transcript format (test/transcripts/<lang>/<name>.transcript.json) and the placeholders
 * that keep every national ID number, phone number and one-time code out of it.
 *
 * User text may contain:
 * - `{{id:<person-key>}}`: the person's number from src/minid/population.json, 11 digits;
 *   `{{id:<key>:spaced}}` as "DDMMYY NNNNN"; `{{id:<key>:short}}` the first 10 digits (a length error);
 *   `{{id:<key>:typo}}` with the last control digit changed (always a checksum error);
 * - `{{phone}}`: the test mobile, typed "412 34 567" (+47 412 34 567);
 * - `{{landline}}`: a Norwegian landline number (valid, but cannot take SMS);
 * - `{{code}}`: the last code the sandbox sent to the test mobile;
 * - `{{wrongcode}}`: a 6-digit code guaranteed to differ from the current one.
 */

export const TRANSCRIPTS_DIR = __dirname;
export const TRANSCRIPT_SUFFIX = '.transcript.json';

export type Lang = 'nb' | 'nn' | 'en';
export const LANGS: readonly Lang[] = ['nb', 'nn', 'en'];

/** One message from the bot as a reader sees it. */
export interface BotReply {
  text: string;
  /** Button titles (suggested actions or the card's buttons), in order. */
  actions?: string[];
  /** Set when the message is a card rather than text with suggested actions (Teams menus). */
  card?: 'hero';
  /** Set for anything that is not a plain message (typing, events); absent for messages. */
  type?: string;
}

/**
 * What a support agent does on the builtin hub's side (the agent API's accept, message and end), for
 * transcripts of a handoff: the agent is the sandbox agent `Kari` of `env.AGENT_TOKENS`, and the handoff is
 * the one waiting (accept) or the one Kari accepted (message, end). The bot's replies of such a turn are
 * what reached the user proactively.
 */
export type AgentStep = { action: 'accept' } | { action: 'message'; text: string } | { action: 'end' };

export interface TranscriptTurn {
  /** What the user typed, with placeholders instead of personal data ("" on an agent's turn). */
  user: string;
  /** Instead of a user message: what the support agent does. */
  agent?: AgentStep;
  /** Seconds the (fake) clock moves forward before this turn is sent. */
  advanceSeconds?: number;
  bot: BotReply[];
}

export interface Transcript {
  name: string;
  description: string;
  /** The channel's locale on every activity, e.g. "nb-NO". */
  locale: string;
  channelId: string;
  /** The pinned clock at the first turn (ISO with offset). */
  now: string;
  /** Configuration on top of the harness's (e.g. AGENT_TOKENS for a handoff); absent for most. */
  env?: Record<string, string>;
  turns: TranscriptTurn[];
  /** Hand-written fragments that must appear somewhere in the bot's replies. */
  expect: string[];
}

/** The user's side of a turn, as scenarios and the replayer see it. */
export interface UserTurn {
  user: string;
  agent?: AgentStep;
  advanceSeconds?: number;
}

/** Test mobile: typed in national form, the sandbox outbox is keyed by E.164. */
export const TEST_PHONE = { typed: '412 34 567', national: '41234567', e164: '+4741234567' } as const;
/** A landline (Oslo numbering area): a valid Norwegian number that cannot receive SMS. */
export const TEST_LANDLINE = { typed: '22 12 34 56', national: '22123456' } as const;

export interface PopulationPerson {
  key: string;
  nationalId: string;
}

export const PEOPLE: readonly PopulationPerson[] = population.people.map((p) => ({
  key: p.key,
  nationalId: p.nationalId,
}));

export function personId(key: string): string {
  const person = PEOPLE.find((p) => p.key === key);
  if (!person)
    throw new Error(`placeholder names an unknown person "${key}" (see src/minid/population.json)`);
  return person.nationalId;
}

/** Every digit one higher (9 -> 0): a code of the same length that can never equal `code`. */
export function wrongCodeFor(code: string): string {
  return code.replace(/\d/g, (d) => String((Number(d) + 1) % 10));
}

export interface PlaceholderContext {
  /** The last code the sandbox sent to the test mobile; called only when a turn needs it. */
  currentCode: () => string;
}

export interface ResolvedText {
  text: string;
  /** Secret values this text put in clear (codes typed, wrong codes), for the privacy checks. */
  typedCodes: string[];
}

const PLACEHOLDER = /\{\{([a-z]+)(?::([a-z0-9-]+))?(?::([a-z]+))?\}\}/g;

/** Replaces the placeholders of one user turn with the values they stand for. */
export function resolvePlaceholders(template: string, ctx: PlaceholderContext): ResolvedText {
  const typedCodes: string[] = [];
  const text = template.replace(PLACEHOLDER, (whole, kind: string, arg?: string, variant?: string) => {
    switch (kind) {
      case 'id': {
        if (!arg) throw new Error(`${whole}: a person key is required`);
        const id = personId(arg);
        switch (variant) {
          case undefined:
            return id;
          case 'spaced':
            return `${id.slice(0, 6)} ${id.slice(6)}`;
          case 'short':
            return id.slice(0, 10);
          case 'typo':
            return id.slice(0, 10) + String((Number(id[10]) + 1) % 10);
          default:
            throw new Error(`${whole}: unknown variant "${variant}"`);
        }
      }
      case 'phone':
        return TEST_PHONE.typed;
      case 'landline':
        return TEST_LANDLINE.typed;
      case 'code': {
        const code = ctx.currentCode();
        typedCodes.push(code);
        return code;
      }
      case 'wrongcode': {
        const wrong = wrongCodeFor(ctx.currentCode());
        typedCodes.push(wrong);
        return wrong;
      }
      default:
        throw new Error(`unknown placeholder ${whole}`);
    }
  });
  if (/\{\{|\}\}/.test(text)) throw new Error(`unresolved placeholder in "${template}"`);
  return { text, typedCodes };
}

/**
 * User text written in a transcript must not carry personal data in clear: after removing placeholders,
 * no run of 6 or more digits (IDs, phones, codes) may remain, except dates such as 20.10.2026.
 */
export function clearDigitsProblem(template: string): string | undefined {
  const rest = template.replace(PLACEHOLDER, ' ').replace(/\b\d{1,2}[./-]\d{1,2}[./-]\d{4}\b/g, ' ');
  for (const run of rest.match(/\d(?:[\s.\-\u2013\u00a0]?\d)*/g) ?? []) {
    if (run.replace(/\D/g, '').length >= 6) return `"${template}" holds a run of digits in clear`;
  }
  return undefined;
}

/** `<lang>/<name>`: how scenarios and files are matched. */
export function transcriptId(lang: string, name: string): string {
  return `${lang}/${name}`;
}

export function transcriptPath(lang: string, name: string): string {
  return join(TRANSCRIPTS_DIR, lang, `${name}${TRANSCRIPT_SUFFIX}`);
}

export interface TranscriptFile {
  /** `<lang>/<name>` */
  id: string;
  lang: string;
  path: string;
  /** Path relative to the transcripts folder, for messages. */
  rel: string;
}

/** Every committed transcript file, in a stable order. */
export function listTranscriptFiles(): TranscriptFile[] {
  const out: TranscriptFile[] = [];
  for (const entry of readdirSync(TRANSCRIPTS_DIR, { withFileTypes: true })) {
    if (!entry.isDirectory()) continue;
    const dir = join(TRANSCRIPTS_DIR, entry.name);
    for (const file of readdirSync(dir)) {
      if (!file.endsWith(TRANSCRIPT_SUFFIX)) continue;
      const path = join(dir, file);
      out.push({
        id: transcriptId(entry.name, file.slice(0, -TRANSCRIPT_SUFFIX.length)),
        lang: entry.name,
        path,
        rel: relative(TRANSCRIPTS_DIR, path),
      });
    }
  }
  return out.sort((a, b) => a.id.localeCompare(b.id));
}

function isStringArray(value: unknown): value is string[] {
  return Array.isArray(value) && value.every((v) => typeof v === 'string');
}

/** Reads and shape-checks a transcript file; a malformed file fails with its path, not a type error later. */
export function readTranscript(path: string): Transcript {
  if (!existsSync(path)) throw new Error(`${path}: no such transcript`);
  const data = JSON.parse(readFileSync(path, 'utf8')) as Partial<Transcript>;
  const problems: string[] = [];
  for (const key of ['name', 'description', 'locale', 'channelId', 'now'] as const) {
    if (typeof data[key] !== 'string') problems.push(`"${key}" must be a string`);
  }
  if (!isStringArray(data.expect)) problems.push('"expect" must be a list of strings');
  if (
    data.env !== undefined &&
    (typeof data.env !== 'object' ||
      data.env === null ||
      !Object.values(data.env).every((v) => typeof v === 'string'))
  ) {
    problems.push('"env" must map names to strings');
  }
  if (!Array.isArray(data.turns) || data.turns.length === 0)
    problems.push('"turns" must be a non-empty list');
  for (const [i, turn] of (data.turns ?? []).entries()) {
    if (typeof turn?.user !== 'string') problems.push(`turns[${i}].user must be a string`);
    if (turn?.advanceSeconds !== undefined && typeof turn.advanceSeconds !== 'number') {
      problems.push(`turns[${i}].advanceSeconds must be a number`);
    }
    if (!Array.isArray(turn?.bot)) problems.push(`turns[${i}].bot must be a list`);
    const action: unknown = (turn?.agent as { action?: unknown } | undefined)?.action;
    if (turn?.agent !== undefined && !['accept', 'message', 'end'].includes(String(action))) {
      problems.push(`turns[${i}].agent.action must be accept, message or end`);
    }
  }
  if (problems.length) throw new Error(`${path}: ${problems.join('; ')}`);
  return data as Transcript;
}
