import { randomBytes } from 'node:crypto';
import type { ConversationReference } from 'botbuilder';
import { z } from 'zod';
import type { Clock } from '../clock';
import type { Lang } from '../i18n';
import type { Logger } from '../logging';
import type { TextParams } from '../bot/text';
import { SUPPORT } from '../rules';
import type { SharedStore } from '../storage/shared';
import { readStored } from '../storage/keys';
import type {
  AgentResult,
  HandoffMessage,
  HandoffRequest,
  HandoffStatus,
  HandoffView,
  Hub,
  QueuePlace,
} from './hub';
import { seal, unseal } from './sealed';
import type { HandoffSummary } from './summary';

/** Numbers of the builtin hub; a rough wait is this many minutes per user ahead in the queue. */
export const HANDOFF_POLICY = {
  minutesPerPlace: 5,
  /** Messages kept per handoff; beyond it the relay refuses (an agent should end and start afresh). */
  maxMessages: 1000,
  /** Longest user message kept for the agent; the rest is cut. */
  maxUserTextLength: 2000,
  /** Queue entries kept; far more than a support desk can have waiting. */
  maxQueueLength: 500,
} as const;

/** Delivers a text to the user outside their turn (CloudAdapter.continueConversationAsync). */
export type Deliver = (
  reference: Partial<ConversationReference>,
  text: string,
  options?: { resumePrompt?: boolean },
) => Promise<void>;

export interface BuiltinHubDeps {
  store: SharedStore;
  /** The privacy secret: seals the conversation reference in the store. */
  secret: string;
  clock: Clock;
  logger: Logger;
  /** How long a user waits before being given the phone and e-mail instead. */
  maxWaitMs: number;
  deliver: Deliver;
  /** A locale text in a language (the bot's own words for its notices). */
  text: (lang: Lang, key: string, params?: TextParams) => string;
  /** Lifetime of a handoff's records after its last change. Default 4 hours. */
  ttlMs?: number;
  /** How often this instance expires waits past the maximum; 0 = never (tests call sweep()). Default 15 s. */
  sweepIntervalMs?: number;
  /** Counts what happened on the agent side (minid_handoffs_total): once per handoff and outcome. */
  onOutcome?: (outcome: 'accepted' | 'completed' | 'expired') => void;
}

const RecordSchema = z.object({
  id: z.string(),
  conversation: z.string(),
  language: z.enum(['nb', 'nn', 'en']),
  channel: z.string(),
  waitingSince: z.string(),
  summary: z.custom<HandoffSummary>((v) => typeof v === 'object' && v !== null),
  reference: z.string(),
});
type HandoffRecord = z.infer<typeof RecordSchema>;

const MessageSchema = z.object({
  from: z.enum(['user', 'agent', 'bot']),
  text: z.string(),
  at: z.string(),
});

const CLOSED = ['ended', 'cancelled', 'expired'] as const;
type Closed = (typeof CLOSED)[number];
const REFERENCE = 'handoff-reference';

/** A new handoff id: 16 hex digits with at least one letter, the shape the log redaction keeps readable. */
function newId(): string {
  for (;;) {
    const id = randomBytes(8).toString('hex');
    if (/[a-f]/.test(id)) return id;
  }
}

/** True for a string shaped like a handoff id (the agent API checks ids before any lookup). */
export function isHandoffId(value: string): boolean {
  return /^[0-9a-f]{16}$/.test(value);
}

/**
 * The builtin hub: a queue and a relay whose whole state lives in the shared store (so two instances on
 * one Redis are one desk), keyed by random handoff ids, never by conversation ids. Transitions that two
 * callers may race are decided by `setIfAbsent`: the first agent to accept takes the handoff, and the
 * first of end / cancel / expiry closes it. The conversation reference is sealed (AES-GCM) in the store.
 */
export class BuiltinHub implements Hub {
  private readonly ttlMs: number;
  private readonly timer?: NodeJS.Timeout;

  constructor(private readonly deps: BuiltinHubDeps) {
    this.ttlMs = deps.ttlMs ?? 4 * 3_600_000;
    const every = deps.sweepIntervalMs ?? 15_000;
    if (every > 0) {
      this.timer = setInterval(() => {
        this.sweep().catch((err: unknown) => deps.logger.warn({ err }, 'handoff sweep failed'));
      }, every);
      this.timer.unref();
    }
  }

  close(): void {
    if (this.timer) clearInterval(this.timer);
  }

  private now(): string {
    return this.deps.clock().toISOString();
  }

  async request(request: HandoffRequest): Promise<QueuePlace> {
    const { store } = this.deps;
    const id = newId();
    const record: HandoffRecord = {
      id,
      conversation: request.conversation,
      language: request.language,
      channel: request.channel,
      waitingSince: this.now(),
      summary: request.summary,
      reference: seal(this.deps.secret, REFERENCE, JSON.stringify(request.reference)),
    };
    await store.set(`handoff:rec:${id}`, JSON.stringify(record), this.ttlMs);
    await store.append('handoff:queue', id, HANDOFF_POLICY.maxQueueLength, this.ttlMs);
    this.deps.logger.info({ handoff: id, conversation: request.conversation }, 'handoff requested');
    return (await this.place(id)) ?? { id, place: 1, waitMinutes: HANDOFF_POLICY.minutesPerPlace };
  }

  private async record(id: string): Promise<HandoffRecord | undefined> {
    if (!isHandoffId(id)) return undefined;
    const raw = await this.deps.store.get(`handoff:rec:${id}`);
    return raw === undefined ? undefined : readStored(RecordSchema, raw, 'handoff record');
  }

  /** The status from the decisive keys; a wait past the maximum is expired here (the user told once). */
  private async status(record: HandoffRecord): Promise<{ status: HandoffStatus; agent?: string }> {
    const { store } = this.deps;
    const closed = await store.get(`handoff:closed:${record.id}`);
    if (closed && (CLOSED as readonly string[]).includes(closed)) return { status: closed as Closed };
    const agent = await store.get(`handoff:taken:${record.id}`);
    if (agent) return { status: 'active', agent };
    const waited = this.deps.clock().getTime() - Date.parse(record.waitingSince);
    if (waited < this.deps.maxWaitMs) return { status: 'waiting' };
    if (await this.closeAs(record, 'expired')) {
      this.deps.onOutcome?.('expired');
      await this.notify(
        record,
        'handoff.expired',
        {
          phone: SUPPORT.phone,
          phoneAbroad: SUPPORT.phoneFromAbroad,
          email: SUPPORT.email,
        },
        { resumePrompt: true },
      );
      this.deps.logger.info(
        { handoff: record.id, conversation: record.conversation },
        'handoff wait expired',
      );
      return { status: 'expired' };
    }
    // Cancelled, ended or expired by another caller a moment ago.
    const now = await store.get(`handoff:closed:${record.id}`);
    return { status: now && (CLOSED as readonly string[]).includes(now) ? (now as Closed) : 'expired' };
  }

  /** Closes the handoff unless something else closed it first; true when this call did. */
  private async closeAs(record: HandoffRecord, how: Closed): Promise<boolean> {
    return this.deps.store.setIfAbsent(`handoff:closed:${record.id}`, how, this.ttlMs);
  }

  private toView(record: HandoffRecord, status: HandoffStatus, agent?: string): HandoffView {
    return {
      id: record.id,
      status,
      language: record.language,
      channel: record.channel,
      waitingSince: record.waitingSince,
      summary: record.summary,
      ...(agent ? { agent } : {}),
    };
  }

  async view(id: string): Promise<HandoffView | undefined> {
    const record = await this.record(id);
    if (!record) return undefined;
    const { status, agent } = await this.status(record);
    return this.toView(record, status, agent);
  }

  /** Ids in the queue list, first come first, without repeats. */
  private async queuedIds(): Promise<string[]> {
    return [...new Set(await this.deps.store.list('handoff:queue'))];
  }

  async queue(): Promise<HandoffView[]> {
    const views: HandoffView[] = [];
    for (const id of await this.queuedIds()) {
      const record = await this.record(id);
      if (!record) continue;
      const { status } = await this.status(record);
      if (status === 'waiting') views.push(this.toView(record, status));
    }
    return views.sort((a, b) => Date.parse(a.waitingSince) - Date.parse(b.waitingSince));
  }

  async place(id: string): Promise<QueuePlace | undefined> {
    const waiting = await this.queue();
    const index = waiting.findIndex((v) => v.id === id);
    if (index < 0) return undefined;
    const place = index + 1;
    return { id, place, waitMinutes: place * HANDOFF_POLICY.minutesPerPlace };
  }

  async cancel(id: string): Promise<boolean> {
    const record = await this.record(id);
    if (!record || (await this.status(record)).status !== 'waiting') return false;
    if (!(await this.closeAs(record, 'cancelled'))) return false;
    this.deps.logger.info(
      { handoff: id, conversation: record.conversation },
      'handoff cancelled by the user',
    );
    return true;
  }

  async userLeft(id: string): Promise<void> {
    const record = await this.record(id);
    if (!record) return;
    const { status } = await this.status(record);
    if ((status !== 'waiting' && status !== 'active') || !(await this.closeAs(record, 'ended'))) return;
    await this.append(id, 'bot', this.deps.text(record.language, 'handoff.userLeft'));
    this.deps.logger.info(
      { handoff: id, conversation: record.conversation },
      'handoff ended: the user went idle',
    );
  }

  private async append(id: string, from: HandoffMessage['from'], text: string): Promise<void> {
    const entry = JSON.stringify({ from, text, at: this.now() });
    await this.deps.store.append(`handoff:msgs:${id}`, entry, HANDOFF_POLICY.maxMessages + 10, this.ttlMs);
  }

  private async full(id: string): Promise<boolean> {
    return (await this.deps.store.list(`handoff:msgs:${id}`)).length >= HANDOFF_POLICY.maxMessages;
  }

  async fromUser(id: string, text: string): Promise<void> {
    const record = await this.record(id);
    if (!record || (await this.full(id))) return;
    await this.append(id, 'user', text.slice(0, HANDOFF_POLICY.maxUserTextLength));
  }

  async messages(id: string, after: number): Promise<HandoffMessage[] | undefined> {
    const record = await this.record(id);
    if (!record) return undefined;
    const raw = await this.deps.store.list(`handoff:msgs:${id}`);
    return raw
      .map((entry, i) => ({ n: i + 1, ...readStored(MessageSchema, entry, 'handoff message') }))
      .filter((m) => m.n > after);
  }

  /** A notice from the bot to the user, in the user's language, also kept in the relayed messages. */
  private async notify(
    record: HandoffRecord,
    key: string,
    params: TextParams = {},
    options?: { resumePrompt?: boolean },
  ): Promise<void> {
    const text = this.deps.text(record.language, key, params);
    await this.append(record.id, 'bot', text);
    await this.send(record, text, options);
  }

  private async send(
    record: HandoffRecord,
    text: string,
    options?: { resumePrompt?: boolean },
  ): Promise<void> {
    const raw = unseal(this.deps.secret, REFERENCE, record.reference);
    if (!raw) {
      this.deps.logger.warn({ handoff: record.id }, 'handoff reference unreadable; nothing delivered');
      return;
    }
    try {
      await this.deps.deliver(JSON.parse(raw) as Partial<ConversationReference>, text, options);
    } catch (err) {
      // The channel may be down; the agent still sees the message in the relay, and logs say it was not delivered.
      this.deps.logger.warn(
        { err, handoff: record.id, conversation: record.conversation },
        'handoff delivery to the user failed',
      );
    }
  }

  async accept(id: string, agent: string): Promise<AgentResult> {
    const record = await this.record(id);
    if (!record) return { ok: false, refusal: 'not-found' };
    const before = await this.status(record);
    if (before.status === 'active')
      return { ok: false, refusal: before.agent === agent ? 'not-waiting' : 'taken' };
    if (before.status !== 'waiting') return { ok: false, refusal: 'not-waiting' };
    const { store } = this.deps;
    if (!(await store.setIfAbsent(`handoff:taken:${id}`, agent, this.ttlMs))) {
      return { ok: false, refusal: 'taken' };
    }
    // Cancelled or expired between the check and the take: the close wins.
    if (await store.get(`handoff:closed:${id}`)) return { ok: false, refusal: 'not-waiting' };
    this.deps.logger.info({ handoff: id, conversation: record.conversation, agent }, 'handoff accepted');
    this.deps.onOutcome?.('accepted');
    await this.notify(record, 'handoff.accepted', { name: agent });
    return { ok: true };
  }

  /** The record when `agent` holds it and it is active, or why not. */
  private async held(id: string, agent: string): Promise<HandoffRecord | AgentResult> {
    const record = await this.record(id);
    if (!record) return { ok: false, refusal: 'not-found' };
    const { status, agent: holder } = await this.status(record);
    if (status !== 'active') return { ok: false, refusal: 'not-active' };
    if (holder !== agent) return { ok: false, refusal: 'not-yours' };
    return record;
  }

  async fromAgent(id: string, agent: string, text: string): Promise<AgentResult> {
    const held = await this.held(id, agent);
    if ('ok' in held) return held;
    if (await this.full(id)) return { ok: false, refusal: 'too-many' };
    await this.append(id, 'agent', text);
    // The agent's words as written, after their name; the agent's own language is the agent's business.
    await this.send(held, this.deps.text(held.language, 'handoff.fromAgent', { name: agent, text }));
    this.deps.logger.info({ handoff: id, conversation: held.conversation, agent }, 'handoff agent message');
    return { ok: true };
  }

  async end(id: string, agent: string): Promise<AgentResult> {
    const held = await this.held(id, agent);
    if ('ok' in held) return held;
    if (!(await this.closeAs(held, 'ended'))) return { ok: false, refusal: 'not-active' };
    this.deps.logger.info({ handoff: id, conversation: held.conversation, agent }, 'handoff ended');
    this.deps.onOutcome?.('completed');
    await this.notify(held, 'handoff.ended', {}, { resumePrompt: true });
    return { ok: true };
  }

  async sweep(): Promise<number> {
    let expired = 0;
    for (const id of await this.queuedIds()) {
      const record = await this.record(id);
      if (record && (await this.status(record)).status === 'expired') expired += 1;
    }
    return expired;
  }
}
