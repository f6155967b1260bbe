/**
 * The Hub port: where a conversation goes when a person takes over. The `builtin` hub (./builtinHub.ts)
 * is the product's own queue and relay for its agent API; a `protocol` hub (Bot Framework's
 * handoff.initiate / handoff.status for contact-centre platforms) can implement the same port later.
 */
import type { ConversationReference, TurnContext } from 'botbuilder';
import type { Lang } from '../i18n';
import type { HandoffSummary } from './summary';

export type HandoffStatus = 'waiting' | 'active' | 'ended' | 'cancelled' | 'expired';

/** One relayed message; `n` numbers the messages of one handoff from 1, in the order the hub stored them. */
export interface HandoffMessage {
  n: number;
  from: 'user' | 'agent' | 'bot';
  text: string;
  /** ISO instant. */
  at: string;
}

/** A handoff as the agent side sees it: a pseudonymous id, never the conversation id. */
export interface HandoffView {
  id: string;
  status: HandoffStatus;
  language: Lang;
  channel: string;
  waitingSince: string;
  summary: HandoffSummary;
  /** The accepting agent's display name, once accepted. */
  agent?: string;
}

/** What the bot hands over when the user asks for a person. */
export interface HandoffRequest {
  /** Where to deliver agent messages (TurnContext.getConversationReference of the user's activity). */
  reference: Partial<ConversationReference>;
  /** The conversation's pseudonym (pseudonymize()), for logs only. */
  conversation: string;
  language: Lang;
  channel: string;
  summary: HandoffSummary;
}

/** Where the user stands after asking, or while waiting. */
export interface QueuePlace {
  id: string;
  /** 1 = next in line. */
  place: number;
  /** A rough wait in whole minutes (at least 1). */
  waitMinutes: number;
}

/** Why an agent's action was refused; the API maps these to 404 / 409. */
export type AgentRefusal = 'not-found' | 'taken' | 'not-waiting' | 'not-yours' | 'not-active' | 'too-many';

export type AgentResult = { ok: true } | { ok: false; refusal: AgentRefusal };

export interface Hub {
  /** Puts the conversation in the queue and tells the user's place. */
  request(request: HandoffRequest): Promise<QueuePlace>;
  /** The handoff as it stands (a wait past the maximum becomes `expired` here, the user told once). */
  view(id: string): Promise<HandoffView | undefined>;
  /** The user's place while waiting; undefined once not waiting. */
  place(id: string): Promise<QueuePlace | undefined>;
  /** The user stops waiting; false when it was no longer waiting. */
  cancel(id: string): Promise<boolean>;
  /**
   * The user's conversation timed out (idle) while waiting or handed off: the handoff ends, the agent
   * sees a note from the bot and further agent messages are refused.
   */
  userLeft(id: string): Promise<void>;
  /** A message from the user, kept for the agent (while waiting, too). */
  fromUser(id: string, text: string): Promise<void>;
  /** Waiting handoffs, longest waiting first. */
  queue(): Promise<HandoffView[]>;
  accept(id: string, agent: string): Promise<AgentResult>;
  /** An agent's message, delivered to the user proactively. */
  fromAgent(id: string, agent: string, text: string): Promise<AgentResult>;
  /** Messages after `after` (0 = all). */
  messages(id: string, after: number): Promise<HandoffMessage[] | undefined>;
  /** The agent ends the handoff; the user is welcomed back to the bot. */
  end(id: string, agent: string): Promise<AgentResult>;
  /**
   * Expires waits past the maximum, telling each user once (every instance runs it now and then; one
   * wins per handoff). Returns how many queued handoffs are expired.
   */
  sweep(): Promise<number>;
  close(): void;
}

/** What a hub answers when a conversation is handed over: the builtin hub's queue place, or just an id. */
export interface HandoffTicket {
  id: string;
  /** The place in the builtin queue (1 = next); absent where the platform keeps its own queue. */
  place?: number;
  waitMinutes?: number;
}

/**
 * The user's side of a hub, all the bot's desk (./desk.ts) needs: both the builtin hub and the protocol
 * hub (./protocolHub.ts) implement it. `context` is the user's turn (the protocol hub sends its
 * handoff.initiate event in it).
 */
export interface UserSideHub extends Pick<Hub, 'view' | 'place' | 'cancel' | 'userLeft' | 'fromUser'> {
  request(request: HandoffRequest, context: TurnContext): Promise<HandoffTicket>;
}
