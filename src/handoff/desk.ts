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
import type { Metrics } from '../metrics';
import { pseudonymize } from '../privacy/redact';
import { SUPPORT } from '../rules';
import { languageSwitchedThisTurn } from '../bot/language';
import { DIALOG_STATE_PROPERTY, SESSION_PROPERTY, type SessionState } from '../bot/session';
import { composed, message, say, tr, trList } from '../bot/text';
import { turnLang, turnUnderstanding } from '../bot/turn';
import { supportAvailability, type WeeklyHours } from './hours';
import type { UserSideHub } from './hub';
import { parseHandoffStatus, type ProtocolHub } from './protocolHub';
import { buildHandoffSummary, type HandoffReason } from './summary';

/** Below this score "avbryt" is not read as "stop waiting" (the same bar as the dialogs' interruptions). */
const CANCEL_THRESHOLD = 0.7;

export interface HandoffDeskDeps {
  hub: UserSideHub;
  /** Set when HANDOFF_HUB=protocol (the same object as `hub`): handoff.status events go to it. */
  protocol?: ProtocolHub;
  metrics?: Pick<Metrics, 'handoff'>;
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
      this.deps.metrics?.handoff('out-of-hours');
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
    const ticket = await this.deps.hub.request(
      {
        reference: deliveryReference(context),
        conversation: pseudonymize(context.activity.conversation?.id, this.deps.privacySecret),
        language: turnLang(context),
        channel: summary.channel,
        summary,
      },
      context,
    );
    session.handoff = { id: ticket.id };
    delete session.offer;
    await this.session.set(context, session);
    this.deps.metrics?.handoff('requested');
    if (ticket.place === undefined) await say(context, 'handoffFlow.protocol.requested');
    else await say(context, 'handoff.queued', { place: ticket.place, minutes: ticket.waitMinutes ?? 1 });
    return true;
  }

  /**
   * Offers a person (the user answers yes or no on their next message). Within opening hours the offer
   * is noted in the session and sent as the turn's last message (see {@link sendOffer}), so its buttons are
   * the ones shown; when closed, the user is told when someone is next there, with phone and e-mail.
   */
  async offer(context: TurnContext, reason: HandoffReason): Promise<'offered' | 'closed'> {
    const session = await this.session.get(context, {});
    if (session.handoff) return 'offered';
    const availability = supportAvailability(this.deps.clock(), this.deps.hours);
    if (!availability.open) {
      this.deps.metrics?.handoff('out-of-hours');
      const parts: Array<[string, Record<string, string>]> = [];
      if (availability.nextOpen) parts.push(['handoff.closed', { at: availability.nextOpen }]);
      parts.push(['human.contact', contactParams()]);
      await context.sendActivity(composed(context, parts));
      return 'closed';
    }
    session.offer = { reason };
    await this.session.set(context, session);
    context.turnState.set(OFFERED, true);
    this.deps.metrics?.handoff('offered');
    return 'offered';
  }

  /** Sends the offer made this turn, if any: after everything else, so its yes/no buttons are shown. */
  async sendOffer(context: TurnContext): Promise<void> {
    if (!context.turnState.get(OFFERED)) return;
    context.turnState.set(OFFERED, false);
    const session = await this.session.get(context, {});
    if (!session.offer || session.handoff) return;
    await context.sendActivity(offerMessage(context, session.offer.reason));
  }

  /**
   * The user's answer to an offer. Yes queues; no goes on where the user was (the pending question is
   * asked again); a language switch keeps the offer and asks it again in the new language; anything else
   * drops the offer and is handled as usual, so answering the pending question simply continues.
   */
  async answerOffer(context: TurnContext, session: SessionState): Promise<RelayOutcome> {
    const offer = session.offer;
    if (!offer || context.activity.type !== ActivityTypes.Message) return 'none';
    const { intent } = turnUnderstanding(context);
    if (intent === 'switch-language' && languageSwitchedThisTurn(context)) {
      await say(context, 'language.switched');
      await context.sendActivity(offerMessage(context, offer.reason));
      return 'consumed';
    }
    const answer = offerAnswer(context);
    delete session.offer;
    await this.session.set(context, session);
    if (answer === 'yes') {
      if (await this.request(context, offer.reason)) return 'consumed';
      await say(context, 'human.contact', contactParams());
      return 'reprompt';
    }
    if (answer === 'no') {
      this.deps.metrics?.handoff('declined');
      await say(context, 'handoffFlow.declined');
      return 'reprompt';
    }
    return 'none';
  }

  /**
   * A handoff.status event from the contact-centre platform (protocol hub). Only a conversation that is
   * handed off is affected; a malformed value, an unknown state or a status for a conversation not handed
   * off is ignored (`none`). `reprompt` after `failed` and `completed`: the bot has the conversation again.
   */
  async status(context: TurnContext): Promise<RelayOutcome> {
    const protocol = this.deps.protocol;
    const state = parseHandoffStatus(context.activity.value);
    const session = await this.session.get(context, {});
    const id = session.handoff?.id;
    if (!protocol || !state || !id) {
      this.deps.logger.debug(
        { known: Boolean(state), handedOff: Boolean(id) },
        'handoff status event ignored',
      );
      return 'none';
    }
    const change = await protocol.status(id, state);
    if (change === 'ignored') return 'none';
    this.deps.metrics?.handoff(change === 'completed' ? 'completed' : change);
    if (change === 'accepted') {
      await say(context, 'handoffFlow.protocol.accepted');
      return 'consumed';
    }
    delete session.handoff;
    await this.session.set(context, session);
    if (change === 'failed') {
      await context.sendActivity(
        composed(context, [['handoffFlow.protocol.failed'], ['human.contact', contactParams()]]),
      );
    } else {
      await say(context, 'handoff.ended');
    }
    return 'reprompt';
  }

  /** The user's conversation timed out while handed off: the hub closes the handoff (the agent sees it). */
  async abandon(id: string): Promise<void> {
    this.deps.metrics?.handoff('abandoned');
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
        this.deps.metrics?.handoff('cancelled');
        delete session.handoff;
        await say(context, 'handoff.cancelled');
        return 'reprompt';
      }
      if (text) await this.deps.hub.fromUser(id, text);
      // The protocol hub's platform keeps its own queue: nothing to say until it answers.
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
const OFFERED = Symbol('minid.handoffOffered');

function contactParams(): Record<string, string> {
  return { phone: SUPPORT.phone, phoneAbroad: SUPPORT.phoneFromAbroad, email: SUPPORT.email };
}

/** The offer: why, and "talk to a person?" with yes/no buttons (a numbered list on SMS). */
function offerMessage(context: TurnContext, reason: HandoffReason) {
  const yes = tr(context, 'handoffFlow.offerYes');
  const no = tr(context, 'handoffFlow.offerNo');
  return message(context, [`handoffFlow.offer.${reason}`, 'handoffFlow.offer.asked'], {}, [
    { title: yes, value: yes },
    { title: no, value: no },
  ]);
}

function normalise(text: string): string {
  return text
    .toLocaleLowerCase()
    .replace(/[.!?,;:]+/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();
}

/** Yes or no to the offer: its buttons, the prompts' yes/no words, or 1 / 2 (the SMS list). */
function offerAnswer(context: TurnContext): 'yes' | 'no' | undefined {
  const typed = normalise(context.activity.text ?? '');
  if (!typed) return undefined;
  const words = (answer: string, button: string, list: string, position: string) =>
    new Set([tr(context, answer), tr(context, button), ...trList(context, list), position].map(normalise));
  if (words('prompts.yes', 'handoffFlow.offerYes', 'prompts.yesWords', '1').has(typed)) return 'yes';
  if (words('prompts.no', 'handoffFlow.offerNo', 'prompts.noWords', '2').has(typed)) return 'no';
  return undefined;
}

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

/**
 * For the dialogs, when a rule (src/rules/handoff.ts) says to offer a person: `offered` (the offer goes
 * out at the end of the turn; carry on as usual), `closed` (told when a person is next there, with phone
 * and e-mail), `unavailable` (no hub: the caller gives phone and e-mail as before).
 */
export async function offerHandoff(
  context: TurnContext,
  reason: HandoffReason,
): Promise<'offered' | 'closed' | 'unavailable'> {
  const desk = context.turnState.get(DESK) as HandoffDesk | undefined;
  return desk ? desk.offer(context, reason) : 'unavailable';
}
