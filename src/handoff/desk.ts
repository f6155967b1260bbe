/**
 * The user's side of a handoff, inside the bot's turn: asking for a person (within opening hours), and,
 * while handed off, relaying the user's messages to the hub instead of running the dialogs. The dialog
 * stack is never touched here, so when the person hands the conversation back the user is exactly where
 * they were.
 */
import {
  ActivityTypes,
  TurnContext,
  type BotState,
  type ConversationReference,
  type StatePropertyAccessor,
} from 'botbuilder';
import type { DialogState } from 'botbuilder-dialogs';
import type { Clock } from '../clock';
import type { Logger } from '../logging';
import { pseudonymize } from '../privacy/redact';
import { DIALOG_STATE_PROPERTY, SESSION_PROPERTY, type SessionState } from '../bot/session';
import { say } from '../bot/text';
import { turnLang, turnUnderstanding } from '../bot/turn';
import { supportAvailability, type WeeklyHours } from './hours';
import type { Hub } from './hub';
import { buildHandoffSummary, type HandoffReason } from './summary';

/** Below this score "avbryt" is not read as "stop waiting" (the same bar as the dialogs' interruptions). */
const CANCEL_THRESHOLD = 0.7;

export interface HandoffDeskDeps {
  hub: Hub;
  hours: WeeklyHours;
  clock: Clock;
  conversationState: BotState;
  privacySecret: string;
  logger: Logger;
}

/** What the bot does with a message while the conversation is (or was) handed off. */
export type RelayOutcome =
  /** Not handed off (any more): run the dialogs on this message as usual. */
  | 'none'
  /** Relayed to the person, or answered here: the dialogs do not see it. */
  | 'consumed'
  /** Back with the bot after this message (the user stopped waiting): ask the pending question again. */
  | 'reprompt';

/**
 * Only what delivery needs: ids and the service URL. Names (a user's display name on Teams, for
 * instance) are left out, so the stored reference carries no more than the conversation's own key does.
 */
function deliveryReference(context: TurnContext): Partial<ConversationReference> {
  const full = TurnContext.getConversationReference(context.activity);
  return {
    channelId: full.channelId,
    serviceUrl: full.serviceUrl,
    locale: full.locale,
    conversation: {
      id: full.conversation?.id ?? '',
      isGroup: Boolean(full.conversation?.isGroup),
      conversationType: full.conversation?.conversationType ?? '',
      tenantId: full.conversation?.tenantId,
      name: '',
    },
    user: { id: full.user?.id ?? '', name: '', role: full.user?.role },
    bot: { id: full.bot?.id ?? '', name: '', role: full.bot?.role },
  };
}

export class HandoffDesk {
  private readonly session: StatePropertyAccessor<SessionState>;
  private readonly dialogState: StatePropertyAccessor<DialogState>;

  constructor(private readonly deps: HandoffDeskDeps) {
    // The same properties the bot keeps; accessors on one BotState share its per-turn cache.
    this.session = deps.conversationState.createProperty<SessionState>(SESSION_PROPERTY);
    this.dialogState = deps.conversationState.createProperty<DialogState>(DIALOG_STATE_PROPERTY);
  }

  /**
   * Queues the conversation for a person and tells the user their place, or, outside opening hours,
   * says when someone is next available. Returns true when queued (the dialogs then end the turn without
   * asking their question again); false when not (closed: the caller goes on to give phone and e-mail).
   */
  async request(context: TurnContext, reason: HandoffReason = 'asked'): Promise<boolean> {
    const session = await this.session.get(context, {});
    if (session.handoff) return (await this.relay(context, session)) !== 'none';
    const now = this.deps.clock();
    const availability = supportAvailability(now, this.deps.hours);
    if (!availability.open) {
      if (availability.nextOpen) await say(context, 'handoff.closed', { at: availability.nextOpen });
      return false;
    }
    const summary = buildHandoffSummary({
      session: { ...session, lang: turnLang(context) },
      dialogState: await this.dialogState.get(context),
      channel: context.activity.channelId,
      reason,
      now,
    });
    const place = await this.deps.hub.request({
      reference: deliveryReference(context),
      conversation: pseudonymize(context.activity.conversation?.id, this.deps.privacySecret),
      language: turnLang(context),
      channel: summary.channel,
      summary,
    });
    session.handoff = { id: place.id };
    await this.session.set(context, session);
    await say(context, 'handoff.queued', { place: place.place, minutes: place.waitMinutes });
    return true;
  }

  /** The user's conversation timed out while handed off: the hub closes the handoff (the agent sees it). */
  async abandon(id: string): Promise<void> {
    await this.deps.hub.userLeft(id);
  }

  /** Handles a message of a handed-off conversation; see {@link RelayOutcome}. */
  async relay(context: TurnContext, session: SessionState): Promise<RelayOutcome> {
    const id = session.handoff?.id;
    if (!id) return 'none';
    const view = await this.deps.hub.view(id);
    if (!view || view.status === 'ended' || view.status === 'expired' || view.status === 'cancelled') {
      // Over: the user was told when it ended (proactively); this message is for the bot again.
      delete session.handoff;
      return 'none';
    }
    const text = context.activity.type === ActivityTypes.Message ? (context.activity.text ?? '').trim() : '';
    if (view.status === 'waiting') {
      const { intent, score } = turnUnderstanding(context);
      if (intent === 'cancel' && score >= CANCEL_THRESHOLD) {
        await this.deps.hub.cancel(id);
        delete session.handoff;
        await say(context, 'handoff.cancelled');
        return 'reprompt';
      }
      if (text) await this.deps.hub.fromUser(id, text);
      const place = await this.deps.hub.place(id);
      if (place) await say(context, 'handoff.stillWaiting', { place: place.place });
      return 'consumed';
    }
    // Active: the person answers; the bot stays silent.
    if (text) await this.deps.hub.fromUser(id, text);
    return 'consumed';
  }
}

const DESK = Symbol('minid.handoffDesk');

/** Makes the desk reachable from the dialogs for this turn (set by the bot when a hub is configured). */
export function setTurnHandoff(context: TurnContext, desk: HandoffDesk): void {
  context.turnState.set(DESK, desk);
}

/**
 * For the dialogs: offers the user to a person. Returns true when the conversation is now queued (end
 * the turn without asking again); false when no hub is configured or support is closed (then give the
 * phone and e-mail as before; when closed the user has already been told when a person is next there).
 */
export async function requestHandoff(context: TurnContext, reason?: HandoffReason): Promise<boolean> {
  const desk = context.turnState.get(DESK) as HandoffDesk | undefined;
  return desk ? desk.request(context, reason) : false;
}
