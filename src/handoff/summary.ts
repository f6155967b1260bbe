/**
 * The redacted summary a support agent sees before accepting a handoff: what the user was doing and
 * what went wrong, built only from conversation state. It is built field by field from a whitelist of
 * shapes (ids, counts, enums, at most two digits), never by copying or redacting free text, so a
 * national ID number, phone number or one-time code has no way in, whatever the state holds.
 */
import type { DialogInstance, DialogState } from 'botbuilder-dialogs';
import { lastTwoDigits, type OrderOutcome } from '../rules';
import type { Lang } from '../i18n';
import type { HandoffNotes, SessionState } from '../bot/session';

/** Why the handoff was asked for; the dialogs pass one when they offer a person. */
export type HandoffReason = 'asked' | 'failed-tries' | 'rule' | 'not-understood';

export interface HandoffSummary {
  language: Lang;
  /** The Bot Framework channel id (webchat, emulator, msteams, sms ...). */
  channel: string;
  reason: HandoffReason;
  /** The flow the user was in: the outermost flow dialog below the menu (e.g. orderDialog); absent at the menu. */
  flow?: string;
  /** Every dialog on the stack, outermost first (e.g. mainDialog > orderDialog > phoneVerificationDialog). */
  path: string[];
  /** The innermost dialog: usually the prompt the user was answering (e.g. codePrompt). */
  step?: string;
  /** Answers the waiting prompt has already refused. */
  triesAtStep?: number;
  /** Wrong one-time codes in the current code attempt. */
  wrongCodes?: number;
  /** True when the current one-time code had expired. */
  codeExpired?: boolean;
  /** Failures the dialogs noted: a tag (a dialog name, a dot, a reason) and how many times. */
  failures: Record<string, number>;
  /** The rules module's decision on the order, when one was made. */
  outcome?: OrderOutcome;
  /** At most the last two digits of the national ID number being ordered for. */
  numberEndsWith?: string;
}

const ID = /^[A-Za-z][A-Za-z0-9_-]{0,40}$/;
const TAG = /^[a-z][A-Za-z0-9-]{0,30}(\.[a-z][A-Za-z0-9-]{0,30})?$/;
const CHANNEL = /^[a-z0-9-]{1,32}$/;
const OUTCOMES: readonly OrderOutcome[] = [
  'can-order',
  'too-young',
  'has-minid',
  'active-order',
  'no-address',
];
const LANGS: readonly Lang[] = ['nb', 'nn', 'en'];

/** What {@link buildHandoffSummary} reads: the conversation state as the bot keeps it. */
export interface SummaryInput {
  session: SessionState;
  dialogState?: DialogState;
  channel: string | undefined;
  reason?: HandoffReason;
  /** Now, to tell whether the waiting one-time code has expired. */
  now: Date;
}

function record(value: unknown): Record<string, unknown> | undefined {
  return value && typeof value === 'object' && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : undefined;
}

/**
 * The active chain from the outermost instance to the innermost, descending into component dialogs
 * (botbuilder pushes, so the active dialog is the last of each stack), and every instance of every level
 * (a waterfall's values sit below the dialog it began).
 */
function walk(state: DialogState | undefined, depth = 0): { chain: DialogInstance[]; all: DialogInstance[] } {
  const stack = Array.isArray(state?.dialogStack) ? state.dialogStack : [];
  const top = stack.at(-1);
  if (!top || depth > 12) return { chain: [], all: [] };
  const all = [...stack];
  let chain: DialogInstance[] = [top];
  for (const instance of stack) {
    const inner = walk(record(instance.state)?.dialogs as DialogState | undefined, depth + 1);
    all.push(...inner.all);
    if (instance === top) chain = [top, ...inner.chain];
  }
  return { chain, all };
}

function count(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isInteger(value) && value >= 0 && value < 1000
    ? value
    : undefined;
}

/**
 * Builds the summary. Only shapes that cannot carry personal data leave this function: dialog ids that
 * look like identifiers, whole counts, enum values, a channel id of lower-case letters, and at most two
 * digits of the number.
 */
export function buildHandoffSummary(input: SummaryInput): HandoffSummary {
  const { chain: stack, all } = walk(input.dialogState);
  const path = stack.map((d) => d.id).filter((id) => ID.test(id));
  // Waterfalls are plumbing; the agent reads the dialogs and the prompt.
  const named = path.filter((id) => !/Waterfall$|Loop$/.test(id));
  const flow = named.find((id, i) => i > 0 && /Dialog$/.test(id));
  const innermost = stack.at(-1);
  const summary: HandoffSummary = {
    language: LANGS.includes(input.session.lang as Lang) ? (input.session.lang as Lang) : 'nb',
    channel: CHANNEL.test(input.channel ?? '') ? (input.channel as string) : 'other',
    reason: input.reason ?? 'asked',
    path: named,
    failures: {},
  };
  if (flow) summary.flow = flow;
  if (innermost && ID.test(innermost.id)) summary.step = innermost.id;

  // A prompt counts every answer it was given; all of them were refused while it still waits.
  const attempts = count(record(record(innermost?.state)?.state)?.attemptCount);
  if (attempts) summary.triesAtStep = attempts;

  for (const instance of all) {
    const state = record(instance.state);
    const challenge = record(record(state?.options)?.challenge);
    if (challenge) {
      const wrong = count(challenge.wrongTries);
      if (wrong) summary.wrongCodes = wrong;
      const expires = typeof challenge.expiresAt === 'string' ? Date.parse(challenge.expiresAt) : NaN;
      if (!Number.isNaN(expires) && expires <= input.now.getTime()) summary.codeExpired = true;
    }
    const nationalId = record(state?.values)?.nationalId;
    if (typeof nationalId === 'string') {
      const lastTwo = lastTwoDigits(nationalId);
      if (/^\d{2}$/.test(lastTwo)) summary.numberEndsWith = lastTwo;
    }
  }

  const notes: HandoffNotes = input.session.notes ?? {};
  for (const [tag, n] of Object.entries(notes.failures ?? {})) {
    const times = count(n);
    if (TAG.test(tag) && times) summary.failures[tag] = times;
  }
  if (notes.outcome && OUTCOMES.includes(notes.outcome)) summary.outcome = notes.outcome;
  if (!summary.numberEndsWith && notes.numberEndsWith && /^\d{2}$/.test(notes.numberEndsWith)) {
    summary.numberEndsWith = notes.numberEndsWith;
  }
  return summary;
}

/**
 * Notes a failure for a later summary, by a tag such as nationalId.checksum or sms.not-arrived. For the
 * dialogs: the tag is a fixed identifier, never anything the user typed.
 */
export function noteFailure(session: SessionState, tag: string): void {
  if (!TAG.test(tag)) return;
  const notes = (session.notes ??= {});
  const failures = (notes.failures ??= {});
  failures[tag] = Math.min(999, (failures[tag] ?? 0) + 1);
}

/** Notes the rules module's decision on an order, and at most the last two digits of the number. */
export function noteOutcome(session: SessionState, outcome: OrderOutcome, nationalId?: string): void {
  const notes = (session.notes ??= {});
  notes.outcome = outcome;
  const lastTwo = nationalId ? lastTwoDigits(nationalId) : '';
  if (/^\d{2}$/.test(lastTwo)) notes.numberEndsWith = lastTwo;
}
