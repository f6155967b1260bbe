/**
 * The `protocol` hub: Bot Framework's handoff protocol for contact-centre platforms (Omnichannel, Genesys
 * and the like). The bot sends handoff.initiate (EventFactory.createHandoffInitiation) with the redacted
 * summary as context and a redacted transcript; the platform answers with handoff.status events
 * (`accepted`, `failed`, `completed`) in the same conversation, which the bot routes here by name. The
 * platform carries the conversation while a person has it, so the hub only keeps each handoff's status,
 * under a random id in the shared store, for as long as the conversation may live.
 */
import { randomBytes } from 'node:crypto';
import { EventFactory, type TurnContext } from 'botbuilder';
import { z } from 'zod';
import type { Logger } from '../logging';
import type { SharedStore } from '../storage/shared';
import type {
  HandoffRequest,
  HandoffStatus,
  HandoffTicket,
  HandoffView,
  QueuePlace,
  UserSideHub,
} from './hub';
import type { ConversationTranscripts } from './transcript';

export interface ProtocolHubDeps {
  store: SharedStore;
  transcripts: ConversationTranscripts;
  logger: Logger;
  clock: () => Date;
  /** How long a handoff's status is kept: the conversation's idle timeout. */
  ttlMs: number;
}

/** The states of handoff.status the protocol defines. */
export const PROTOCOL_STATES = ['accepted', 'failed', 'completed'] as const;
export type ProtocolState = (typeof PROTOCOL_STATES)[number];

/** A handoff.status value; anything else (a string, a missing or unknown state) is not one. */
const StatusValue = z.object({ state: z.enum(PROTOCOL_STATES), message: z.string().max(2000).optional() });

/** Reads a handoff.status event's value; undefined when malformed (the caller ignores the event). */
export function parseHandoffStatus(value: unknown): ProtocolState | undefined {
  let data = value;
  if (typeof value === 'string') {
    // Some platforms send the value as a JSON string.
    try {
      data = JSON.parse(value);
    } catch {
      return undefined;
    }
  }
  const parsed = StatusValue.safeParse(data);
  return parsed.success ? parsed.data.state : undefined;
}

const StoredView = z.object({
  id: z.string(),
  status: z.enum(['waiting', 'active', 'ended', 'cancelled', 'expired']),
  language: z.enum(['nb', 'nn', 'en']),
  channel: z.string(),
  waitingSince: z.string(),
  summary: z.custom<HandoffView['summary']>((v) => typeof v === 'object' && v !== null),
});

/** What a status event did: the new status, or `ignored` when it does not apply to where the handoff is. */
export type StatusChange = ProtocolState | 'ignored';

export class ProtocolHub implements UserSideHub {
  constructor(private readonly deps: ProtocolHubDeps) {}

  private key(id: string): string {
    return `handoff:protocol:${id}`;
  }

  private async save(view: HandoffView): Promise<void> {
    await this.deps.store.set(this.key(view.id), JSON.stringify(view), this.deps.ttlMs);
  }

  async request(request: HandoffRequest, context: TurnContext): Promise<HandoffTicket> {
    const id = randomBytes(8).toString('hex');
    const transcript = { activities: await this.deps.transcripts.activities(context) };
    const event = EventFactory.createHandoffInitiation(context, request.summary, transcript);
    // The platform routes by the ids; the user's display name (Teams) is more than it needs.
    const relatesTo = event.relatesTo;
    if (relatesTo?.user) event.relatesTo = { ...relatesTo, user: { ...relatesTo.user, name: '' } };
    if (event.from) event.from = { ...event.from, name: '' };
    await context.sendActivity(event);
    await this.save({
      id,
      status: 'waiting',
      language: request.language,
      channel: request.channel,
      waitingSince: this.deps.clock().toISOString(),
      summary: request.summary,
    });
    this.deps.logger.info({ handoff: id, conversation: request.conversation }, 'handoff initiation sent');
    return { id };
  }

  async view(id: string): Promise<HandoffView | undefined> {
    const raw = await this.deps.store.get(this.key(id));
    if (!raw) return undefined;
    try {
      const parsed = StoredView.safeParse(JSON.parse(raw));
      return parsed.success ? parsed.data : undefined;
    } catch {
      return undefined;
    }
  }

  private async move(id: string, status: HandoffStatus): Promise<void> {
    const view = await this.view(id);
    if (view) await this.save({ ...view, status });
  }

  /** The platform keeps its own queue: no place to tell. */
  async place(_id: string): Promise<QueuePlace | undefined> {
    return undefined;
  }

  async cancel(id: string): Promise<boolean> {
    const view = await this.view(id);
    if (view?.status !== 'waiting') return false;
    await this.save({ ...view, status: 'cancelled' });
    return true;
  }

  async userLeft(id: string): Promise<void> {
    await this.move(id, 'ended');
  }

  /** The platform receives the user's messages itself while it has the conversation. */
  async fromUser(_id: string, _text: string): Promise<void> {}

  /**
   * Applies a handoff.status to the handoff: `accepted` while waiting makes it active; `failed` and
   * `completed` end a waiting or active one. A state that does not fit (a repeat, a late event) is ignored.
   */
  async status(id: string, state: ProtocolState): Promise<StatusChange> {
    const view = await this.view(id);
    if (!view || (view.status !== 'waiting' && view.status !== 'active')) return 'ignored';
    if (state === 'accepted') {
      if (view.status !== 'waiting') return 'ignored';
      await this.save({ ...view, status: 'active' });
    } else {
      await this.save({ ...view, status: 'ended' });
    }
    this.deps.logger.info({ handoff: id, state }, 'handoff status event');
    return state;
  }
}
