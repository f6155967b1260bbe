import { createHash, timingSafeEqual } from 'node:crypto';
import type { TurnContext } from 'botbuilder';
import { Counter, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import { turnLang } from './bot/turn';
import { LIMIT_NAMES } from './rules';

/**
 * Prometheus metrics. Every label value comes from a fixed list in this file: a channel id is chosen by
 * the client in no-auth mode, so it is mapped onto a known set, and nothing a user typed, no id, number
 * or text, can ever become a label (each distinct value would also be a new time series kept forever).
 */

/** Channels reported by name; any other channelId is counted as `other`. */
export const CHANNELS = ['msteams', 'webchat', 'directline', 'sms', 'emulator', 'test', 'other'] as const;
export type ChannelLabel = (typeof CHANNELS)[number];

export const LANGUAGES = ['nb', 'nn', 'en'] as const;
export type LanguageLabel = (typeof LANGUAGES)[number];

/**
 * The order funnel: the steps a user passes and every way an attempt ends without an order.
 * `too-young` … `not-found` are the refusals (decideOrder's outcomes, plus "no such person"); `locked`,
 * `resend-limit` and `too-many-tries` are failed phone verifications; `id-too-many-tries` is an ID number
 * still invalid after the last try.
 */
export const FUNNEL_EVENTS = [
  'started',
  'id-accepted',
  'code-sent',
  'code-verified',
  'ordered',
  'too-young',
  'has-minid',
  'active-order',
  'no-address',
  'not-found',
  'locked',
  'resend-limit',
  'too-many-tries',
  'id-too-many-tries',
] as const;
export type FunnelEvent = (typeof FUNNEL_EVENTS)[number];

/**
 * What happened to a handoff to a person: offered / declined (the bot asked), requested (queued or
 * initiated), out-of-hours (asked while support is closed), accepted, completed (the person gave it
 * back), cancelled (the user stopped waiting), expired (nobody accepted in time), abandoned (the user
 * went quiet past the idle timeout), failed (the contact centre could not take it).
 */
export const HANDOFF_OUTCOMES = [
  'offered',
  'declined',
  'requested',
  'out-of-hours',
  'accepted',
  'completed',
  'cancelled',
  'expired',
  'abandoned',
  'failed',
] as const;
export type HandoffOutcome = (typeof HANDOFF_OUTCOMES)[number];

/** Kinds of turn errors; anything else is `other`. */
export const ERROR_KINDS = [
  'StateConflictError',
  'StoreUnavailableError',
  'OutgoingCallError',
  'other',
] as const;
export type ErrorKind = (typeof ERROR_KINDS)[number];

/** The port the dialogs record the funnel through (DialogDeps.metrics). */
export interface FunnelMetrics {
  funnel(context: TurnContext, event: FunnelEvent): void;
}

/** For dialogs built without metrics (tests): records nothing. */
export const noFunnelMetrics: FunnelMetrics = { funnel: () => undefined };

/** Maps a client-chosen channel id onto the fixed set; never returns the input unless it is in the set. */
export function channelLabel(channelId: unknown): ChannelLabel {
  const known = CHANNELS.find((c) => c !== 'other' && c === channelId);
  return known ?? 'other';
}

function languageLabel(context: TurnContext): LanguageLabel {
  const lang = turnLang(context);
  return LANGUAGES.find((l) => l === lang) ?? 'nb';
}

function oneOf<T extends string>(list: readonly T[], value: unknown, fallback: T): T {
  return list.find((v) => v === value) ?? fallback;
}

export interface MetricsOptions {
  /** The registry the metrics live in (built by the composition root, never prom-client's global one). */
  registry: Registry;
  /** The limit names to report by name (the limits module's list). */
  limitNames?: readonly string[];
  /** Also export Node's process metrics (CPU, memory, event loop lag, GC). */
  processMetrics?: boolean;
}

/** The bot's metrics, in the registry it is given; see the file comment for the label rules. */
export class Metrics implements FunnelMetrics {
  readonly registry: Registry;
  private readonly limitNames: readonly string[];
  private readonly turns: Counter<'channel' | 'language'>;
  private readonly turnSeconds: Histogram<'channel' | 'language'>;
  private readonly funnelEvents: Counter<'channel' | 'language' | 'event'>;
  private readonly limitHits: Counter<'limit'>;
  private readonly handoffs: Counter<'outcome'>;
  private readonly turnErrors: Counter<'channel' | 'kind'>;

  constructor(options: MetricsOptions) {
    const registers = [options.registry];
    this.registry = options.registry;
    this.limitNames = [...(options.limitNames ?? LIMIT_NAMES), 'other'];
    if (options.processMetrics) collectDefaultMetrics({ register: options.registry });
    this.turns = new Counter({
      name: 'minid_turns_total',
      help: 'Turns handled, by channel and language.',
      labelNames: ['channel', 'language'],
      registers,
    });
    this.turnSeconds = new Histogram({
      name: 'minid_turn_duration_seconds',
      help: 'Turn latency from arrival (including the wait for the conversation lock) to its end.',
      labelNames: ['channel', 'language'],
      buckets: [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
      registers,
    });
    this.funnelEvents = new Counter({
      name: 'minid_funnel_events_total',
      help: 'Order funnel: steps reached and how attempts ended, by channel and language.',
      labelNames: ['channel', 'language', 'event'],
      registers,
    });
    this.limitHits = new Counter({
      name: 'minid_limit_hits_total',
      help: 'Requests refused by an abuse limit, by limit.',
      labelNames: ['limit'],
      registers,
    });
    this.handoffs = new Counter({
      name: 'minid_handoffs_total',
      help: 'Handoffs to a person, by outcome.',
      labelNames: ['outcome'],
      registers,
    });
    this.turnErrors = new Counter({
      name: 'minid_turn_errors_total',
      help: 'Turns that ended in the error handler, by channel and kind.',
      labelNames: ['channel', 'kind'],
      registers,
    });
    // Every series exists from the start at 0, so a rate over a fresh process is not "no data".
    for (const channel of CHANNELS) {
      for (const language of LANGUAGES) {
        this.turns.inc({ channel, language }, 0);
        for (const event of FUNNEL_EVENTS) this.funnelEvents.inc({ channel, language, event }, 0);
      }
      for (const kind of ERROR_KINDS) this.turnErrors.inc({ channel, kind }, 0);
    }
    for (const limit of this.limitNames) this.limitHits.inc({ limit }, 0);
    for (const outcome of HANDOFF_OUTCOMES) this.handoffs.inc({ outcome }, 0);
  }

  /** One finished turn and how long it took, in the language it was answered in. */
  turn(context: TurnContext, seconds: number): void {
    const labels = { channel: channelLabel(context.activity.channelId), language: languageLabel(context) };
    this.turns.inc(labels);
    this.turnSeconds.observe(labels, seconds);
  }

  funnel(context: TurnContext, event: FunnelEvent): void {
    this.funnelEvents.inc({
      channel: channelLabel(context.activity.channelId),
      language: languageLabel(context),
      event: oneOf(FUNNEL_EVENTS, event, 'started'),
    });
  }

  /** A limit refused something; wire it to the limits module's onHit callback. */
  limitHit(name: string): void {
    this.limitHits.inc({ limit: oneOf(this.limitNames, name, 'other') });
  }

  handoff(outcome: HandoffOutcome): void {
    this.handoffs.inc({ outcome: oneOf(HANDOFF_OUTCOMES, outcome, 'failed') });
  }

  /** A turn ended in the error handler; the kind is the error's class when it is one we know. */
  turnError(context: TurnContext, error: unknown): void {
    const name = error instanceof Error ? error.name : undefined;
    this.turnErrors.inc({
      channel: channelLabel(context.activity.channelId),
      kind: oneOf(ERROR_KINDS, name, 'other'),
    });
  }

  /** The exposition text and its content type, for GET /metrics. */
  async render(): Promise<{ contentType: string; body: string }> {
    return { contentType: this.registry.contentType, body: await this.registry.metrics() };
  }
}

/**
 * True when an Authorization header is `Bearer <token>`. Both sides are hashed first so the comparison
 * is constant-time and of equal length whatever was sent; a caller learns nothing from timing.
 */
export function bearerMatches(header: string | undefined, token: string): boolean {
  const match = /^Bearer[ ]+(\S+)\s*$/i.exec(header ?? '');
  const given = createHash('sha256')
    .update(match?.[1] ?? '')
    .digest();
  const expected = createHash('sha256').update(token).digest();
  return timingSafeEqual(given, expected) && match !== null && token !== '';
}
