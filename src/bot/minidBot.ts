import {
  ActivityHandler,
  ActivityTypes,
  HandoffEventNames,
  type BotState,
  type StatePropertyAccessor,
  type TurnContext,
} from 'botbuilder';
import { bindPromptTexts, dropPromptTexts } from './promptTexts';
import { DialogMemoryConfiguration } from './dialogMemory';
import { DialogSet, DialogTurnStatus, type Dialog, type DialogState } from 'botbuilder-dialogs';
import type { i18n } from 'i18next';
import { langToLocale } from '../i18n';
import type { Clock } from '../clock';
import type { Logger } from '../logging';
import type { Metrics } from '../metrics';
import { pseudonymize } from '../privacy/redact';
import { limitParts, type AbuseLimits } from '../limits';
import { SUPPORT } from '../rules';
import { DIALOG_STATE_PROPERTY, SESSION_PROPERTY, type SessionState } from './session';
import { setTurnLanguage, setTurnSession, setTurnUnderstanding, type TurnUnderstanding } from './turn';
import type { LanguageResolver } from './language';
import { composed, say } from './text';
import type { TurnSerializer } from './turnSerializer';
import { markTurnErrorHandled } from './errors';
import { shapeReplies } from './render';
import { setTurnHandoff, type HandoffDesk } from '../handoff/desk';
import type { ConversationTranscripts } from '../handoff/transcript';

export interface MinIdBotDeps {
  conversationState: BotState;
  mainDialog: Dialog;
  i18n: i18n;
  clock: Clock;
  logger: Logger;
  language: LanguageResolver;
  /** Intent and language of the turn's text; computed once per turn, read by the dialogs. */
  understand: (text: string) => Promise<TurnUnderstanding>;
  idleTimeoutMinutes: number;
  privacySecret: string;
  /** One turn at a time per conversation, across instances. */
  serializer: TurnSerializer;
  /** Messages per conversation (and, in the dialogs, codes and lookups) over the shared store. */
  limits: AbuseLimits;
  /**
   * Handles a failed turn while the conversation's turn lock is still held: the adapter's handler runs
   * only after the lock is released, and its state write would race the conversation's next turn.
   */
  onTurnError?: (context: TurnContext, error: Error) => Promise<void>;
  /** Counts turns and their latency. */
  metrics?: Pick<Metrics, 'turn'>;
  /** The human handoff, when a hub is configured (AGENT_TOKENS); without it "a person" means phone and e-mail. */
  handoff?: HandoffDesk;
  /** The last messages, redacted, for the protocol hub's handoff.initiate (HANDOFF_HUB=protocol). */
  transcripts?: ConversationTranscripts;
}

/**
 * The turn pipeline: load state, expire idle state, settle the language, welcome once, then hand the
 * turn to the dialog stack and save. Everything product-specific happens in dialogs; this stays thin.
 */
export class MinIdBot extends ActivityHandler {
  private readonly session: StatePropertyAccessor<SessionState>;
  private readonly dialogState: StatePropertyAccessor<DialogState>;
  private readonly dialogs: DialogSet;
  private readonly dialogMemory = new DialogMemoryConfiguration();

  constructor(private readonly deps: MinIdBotDeps) {
    super();
    this.session = deps.conversationState.createProperty<SessionState>(SESSION_PROPERTY);
    this.dialogState = deps.conversationState.createProperty<DialogState>(DIALOG_STATE_PROPERTY);
    this.dialogs = new DialogSet(this.dialogState);
    this.dialogs.add(deps.mainDialog);

    this.onMembersAdded(async (context, next) => {
      const others = (context.activity.membersAdded ?? []).filter(
        (m) => m.id !== context.activity.recipient?.id,
      );
      const session = await this.session.get(context, {});
      if (others.length && !session.welcomed) {
        await this.welcome(context, session);
        await this.runDialogs(context);
      }
      await next();
    });

    this.onMessage(async (context, next) => {
      const session = await this.session.get(context, {});
      if (!session.welcomed) await this.welcome(context, session);
      // While a person has the conversation, messages go to them and the dialog stack stays untouched.
      const relayed =
        session.handoff && this.deps.handoff ? await this.deps.handoff.relay(context, session) : 'none';
      // A person offered last turn: yes queues, no goes on; anything else is for the dialogs.
      const answered =
        relayed === 'none' && session.offer && this.deps.handoff
          ? await this.deps.handoff.answerOffer(context, session)
          : relayed;
      if (answered === 'reprompt') await (await this.dialogs.createContext(context)).repromptDialog();
      if (answered === 'none') await this.runDialogs(context);
      await this.deps.handoff?.sendOffer(context);
      await next();
    });

    // The handoff protocol has no ActivityHandler hook: its status events are routed by name.
    this.onEvent(async (context, next) => {
      if (context.activity.name === HandoffEventNames.HandoffStatus && this.deps.handoff) {
        const outcome = await this.deps.handoff.status(context);
        if (outcome === 'reprompt') await (await this.dialogs.createContext(context)).repromptDialog();
      }
      await next();
    });
  }

  /**
   * Runs the turn once the conversation's earlier turns are done (see TurnSerializer); a turn that waits
   * too long is told kindly to send its message again, without touching state.
   */
  async run(context: TurnContext): Promise<void> {
    const a = context.activity;
    // Replies are shaped for the channel in this one place (Teams cards, SMS merged plain GSM-7 texts).
    const shaping = shapeReplies(context);
    // A failed send of held-back replies is logged: the turn itself is done and saved by then.
    const flush = () =>
      shaping
        .flush()
        .catch((err: unknown) => this.deps.logger.warn({ err }, 'held-back SMS replies could not be sent'));
    // A flood is refused before it queues for the turn lock or touches state.
    if (a.type === ActivityTypes.Message && !(await this.withinMessageLimit(context))) {
      await flush();
      return;
    }
    const key = `turn:${pseudonymize(`${a.channelId ?? ''}|${a.conversation?.id ?? ''}`, this.deps.privacySecret)}`;
    const started = process.hrtime.bigint();
    try {
      await this.deps.serializer.run(
        key,
        // Held-back SMS replies go out while the turn still holds the lock, so turns never interleave.
        () =>
          this.runTurn(context)
            .catch((error: unknown) => this.failed(context, error))
            .finally(() => flush()),
        () => this.busy(context),
      );
    } finally {
      // Anything still held back (the busy answer, an apology sent after the turn) goes out now.
      await flush();
      this.deps.metrics?.turn(context, Number(process.hrtime.bigint() - started) / 1e9);
    }
  }

  /** Runs the error handler inside the lock, then lets the error go on to the adapter (which skips it). */
  private async failed(context: TurnContext, error: unknown): Promise<never> {
    const onTurnError = this.deps.onTurnError;
    if (onTurnError) {
      await onTurnError(context, error instanceof Error ? error : new Error(String(error)));
      markTurnErrorHandled(context, error);
    }
    throw error;
  }

  /**
   * Counts the message against the conversation's limit. Past it the message is not read and nothing is
   * written, so the conversation is where it was when the user sends again; the first refused message
   * of a window gets one kind answer (in the conversation's language, read but not saved), the rest none.
   */
  private async withinMessageLimit(context: TurnContext): Promise<boolean> {
    const a = context.activity;
    const { limits } = this.deps;
    const verdict = await limits.message(limits.conversationRef(a.channelId, a.conversation?.id));
    if (verdict.allowed) return true;
    if (verdict.notify) {
      await this.deps.conversationState.load(context);
      const session = { ...(await this.session.get(context, {})) };
      const lang = await this.deps.language.resolve(context, session);
      setTurnLanguage(context, lang, this.deps.i18n.getFixedT(lang));
      await context.sendActivity(
        composed(context, [...limitParts(verdict.refusal), ['limits.support', { phone: SUPPORT.phone }]]),
      );
    }
    return false;
  }

  /** The answer to a turn that could not get its turn in time: no state is read or written. */
  private async busy(context: TurnContext): Promise<void> {
    if (context.activity.type !== ActivityTypes.Message) return;
    const lang = await this.deps.language.resolve(context, {});
    setTurnLanguage(context, lang, this.deps.i18n.getFixedT(lang));
    await say(context, 'session.busy');
    this.deps.logger.info(
      { conversation: pseudonymize(context.activity.conversation?.id, this.deps.privacySecret) },
      "turn busy: the conversation's previous turn is still running",
    );
  }

  /** Runs the turn and always saves state, also when a handler throws (the error handler runs after). */
  private async runTurn(context: TurnContext): Promise<void> {
    const started = Date.now();
    this.dialogMemory.prepare(context);
    await this.prepareTurn(context);
    try {
      await super.run(context);
      this.dialogMemory.remember(context);
    } finally {
      dropPromptTexts(this.cachedDialogState(context));
      await this.deps.conversationState.saveChanges(context, false);
      // The pseudonym is an HMAC: not worth computing on every turn for a line that is off by default.
      if (this.deps.logger.isLevelEnabled('debug')) {
        this.deps.logger.debug(
          {
            conversation: pseudonymize(context.activity.conversation?.id, this.deps.privacySecret),
            channel: context.activity.channelId,
            type: context.activity.type,
            ms: Date.now() - started,
          },
          'turn',
        );
      }
    }
  }

  private async prepareTurn(context: TurnContext): Promise<void> {
    const state = this.deps.conversationState;
    await state.load(context);
    let session = await this.session.get(context, {});
    const now = this.deps.clock();
    let timedOut = false;
    if (context.activity.type === ActivityTypes.Message && session.lastSeenAt) {
      const idleMs = now.getTime() - Date.parse(session.lastSeenAt);
      if (idleMs > this.deps.idleTimeoutMinutes * 60_000) {
        // Idle state may hold a half-typed order with personal data: drop all of it, keep nothing.
        // A handoff goes with it, so no agent keeps writing into a conversation that has started afresh.
        if (session.handoff) await this.deps.handoff?.abandon(session.handoff.id);
        await this.deps.transcripts?.forget(context);
        await state.delete(context);
        await state.load(context, true);
        session = await this.session.get(context, {});
        timedOut = true;
      }
    }
    const lang = await this.deps.language.resolve(context, session);
    const t = this.deps.i18n.getFixedT(lang);
    setTurnLanguage(context, lang, t);
    bindPromptTexts(context, this.cachedDialogState(context));
    if (this.deps.handoff) setTurnHandoff(context, this.deps.handoff);
    await this.deps.transcripts?.record(context);
    // Prompts pick their vocabulary (ja/nei, yes/no) from the activity's locale: make it the conversation's.
    context.activity.locale = langToLocale(lang);
    const text = context.activity.type === ActivityTypes.Message ? (context.activity.text ?? '').trim() : '';
    if (text) setTurnUnderstanding(context, await this.deps.understand(text));
    if (context.activity.type === ActivityTypes.Message) {
      session.lastSeenAt = now.toISOString();
      if (timedOut) {
        session.welcomed = true;
        await say(context, 'session.timedOut');
      }
    }
    await this.session.set(context, session);
    setTurnSession(context, session);
  }

  /** The dialog state as loaded for this turn (no read from the store, so safe in a failing turn). */
  private cachedDialogState(context: TurnContext): DialogState | undefined {
    const cached = this.deps.conversationState.get(context) as Record<string, unknown> | undefined;
    return cached?.[DIALOG_STATE_PROPERTY] as DialogState | undefined;
  }

  private async welcome(context: TurnContext, session: SessionState): Promise<void> {
    // The turn's language is already settled (prepareTurn), so the welcome uses the same translator.
    await context.sendActivity(
      composed(context, [['welcome.greeting'], ['welcome.capabilities'], ['welcome.privacy']]),
    );
    session.welcomed = true;
  }

  private async runDialogs(context: TurnContext): Promise<void> {
    const dc = await this.dialogs.createContext(context);
    const result = await dc.continueDialog();
    if (result.status === DialogTurnStatus.empty) {
      // A first message may already say what the user wants; a conversationUpdate says nothing.
      await dc.beginDialog(this.deps.mainDialog.id, {
        useTurnText: context.activity.type === ActivityTypes.Message,
      });
    }
  }
}
