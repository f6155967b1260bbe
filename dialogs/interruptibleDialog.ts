import { ActivityTypes } from 'botbuilder';
import {
  ComponentDialog,
  Dialog,
  DialogTurnStatus,
  type DialogContext,
  type DialogInstance,
  type PromptOptions,
  type DialogTurnResult,
} from 'botbuilder-dialogs';
import { languageSwitchedThisTurn } from '../src/bot/language';
import { activeInstances } from '../src/bot/dialogStack';
import { LANGS } from '../src/i18n';
import { message, relocalizePrompt, say, tr } from '../src/bot/text';
import { turnUnderstanding } from '../src/bot/turn';
import { offerHandoff, requestHandoff } from '../src/handoff/desk';
import { handoffAction } from '../src/rules/handoff';
import type { DialogDeps } from './dialogDeps';
import { isDestructiveIntent } from '../src/understanding/recognizer';
import { answerQuestion, isQuestionIntent, ruleParams, sayHumanHelp } from './answers';

/** Intents that interrupt any step; questions are answered only when a flow is running. */
const INTERRUPT_THRESHOLD = 0.7;
/** Questions are answered from this score when the message holds no digits (answering drops nothing). */
const QUESTION_THRESHOLD = 0.5;
const HANDLED = Symbol('minid.interruptionChecked');

// "passordet mitt er Hemmelig123", "my password is ...", "BankID-koden min er ...": a secret typed in chat.
const SECRET =
  /\b(passord(et)?|password|pin(-?kode(n)?)?|bankid[- ]?(kode(n)?|passord(et)?|code))\b\W{0,3}(\w+\s+){0,3}?(er|is|=|:)\s*(\S{4,})/i;

/**
 * Words that describe a password rather than being one: "passordet mitt er feil" is a question about a
 * password that doesn't work, not a typed secret.
 */
const NOT_A_SECRET = new Set([
  'feil', 'galt', 'gale', 'glemt', 'gløymt', 'gloymt', 'ikke', 'ikkje', 'sperret', 'sperra', 'låst', 'last',
  'ugyldig', 'utløpt', 'utlopt', 'borte', 'riktig', 'rett', 'wrong', 'incorrect', 'invalid', 'forgotten',
  'not', 'locked', 'blocked', 'expired', 'gone', 'right', 'correct', 'too', 'for', 'still', 'fortsatt',
  'framleis', 'blitt', 'vorte', 'been', 'also', 'også', 'ogsa', 'samme', 'same', 'veldig', 'very', 'visst',
  'vist', 'nok', 'kanskje', 'apparently', 'maybe', 'probably', 'helt', 'totally', 'glemt?', 'feil?',
]); // prettier-ignore

/** True when the text looks like someone typing a password or BankID code to the bot. */
export function looksLikeSecret(text: string): boolean {
  const match = SECRET.exec(text);
  if (!match) return false;
  // The words after "er"/"is": a describing word among the first few ("er visst feil") makes it a question.
  const after = text.slice((match.index ?? 0) + match[0].length - (match[match.length - 1] ?? '').length);
  const words = after
    .toLowerCase()
    .split(/[\s.,!?]+/)
    .filter(Boolean)
    .slice(0, 4);
  return !words.some((w) => NOT_A_SECRET.has(w));
}

/** One level of the active dialog stack: the running instance and the dialog it is an instance of. */
interface ActiveLevel {
  instance: DialogInstance;
  dialog: Dialog | undefined;
}

/**
 * The active dialog at each level, outermost first, read from the stacks in state. DialogContext's `child`
 * builds a new DialogContext (with its own memory manager) per level and per call, and the interruption
 * check walks the stack several times a turn; reading the stacks directly ({@link activeInstances}) gives
 * the same chain without them. A dialog id is looked up as DialogContext.findDialog does, innermost set
 * first.
 */
export function activeChain(dc: DialogContext): ActiveLevel[] {
  const chain: ActiveLevel[] = [];
  const containers: ComponentDialog[] = [];
  const find = (id: string): Dialog | undefined => {
    for (let i = containers.length - 1; i >= 0; i -= 1) {
      const found = containers[i].dialogs.find(id);
      if (found) return found;
    }
    return dc.findDialog(id);
  };
  for (const instance of activeInstances({ dialogStack: dc.stack })) {
    const dialog = find(instance.id);
    chain.push({ instance, dialog });
    if (!(dialog instanceof ComponentDialog)) break;
    containers.push(dialog);
  }
  return chain;
}

/** The innermost active dialog instance, e.g. the prompt waiting for input. */
function innermostDialog(dc: DialogContext): DialogInstance | undefined {
  const chain = activeChain(dc);
  return chain[chain.length - 1]?.instance;
}

export function innermostDialogId(dc: DialogContext): string | undefined {
  return innermostDialog(dc)?.id;
}

/** The flows a user can ask for by name at any prompt ("jeg vil heller bestille", "help with the app"). */
export type Flow = 'order' | 'app' | 'letter' | 'age';

/** Intents that ask for a flow; a clear one at a prompt of another flow switches to it. */
const FLOW_INTENTS: Readonly<Record<string, Flow>> = { 'order-letter': 'order', 'app-setup': 'app' };

/** The innermost flow running, by the dialogs' registered flows. */
function currentFlow(dc: DialogContext, flows: ReadonlyMap<string, Flow>): Flow | undefined {
  let flow: Flow | undefined;
  for (const { instance } of activeChain(dc)) flow = flows.get(instance.id) ?? flow;
  return flow;
}

/** The innermost InterruptibleDialog on the stack: the one whose own dialog set holds the waiting prompt. */
function promptOwner(dc: DialogContext, outermost: InterruptibleDialog): InterruptibleDialog {
  let owner = outermost;
  for (const { dialog } of activeChain(dc)) if (dialog instanceof InterruptibleDialog) owner = dialog;
  return owner;
}

/** True when the message is a direct answer to the waiting prompt: one of its choices, or its owner's check. */
function answersWaitingPrompt(dc: DialogContext, owner: InterruptibleDialog): boolean {
  const waiting = innermostDialog(dc);
  const text = (dc.context.activity.text ?? '').trim();
  if (!waiting || !text) return false;
  if (owner.isPromptAnswer(waiting.id, text)) return true;
  // A tapped or typed choice ("Stopp" in the app guide) is the prompt's answer, not a command.
  const typed = text.toLocaleLowerCase();
  const choices = (waiting.state?.options as PromptOptions | undefined)?.choices ?? [];
  return choices.some((choice) =>
    (typeof choice === 'string' ? [choice] : [choice.value, ...(choice.synonyms ?? [])]).some(
      (word) => word.toLocaleLowerCase() === typed,
    ),
  );
}

/**
 * The shared base of every flow dialog: cancel, start over, help, talk to a person, delete the
 * conversation, a language switch, and questions asked mid-flow ("how long does the letter take?") are
 * handled here at any step. Only the outermost such dialog of a turn acts, so nesting never doubles a
 * reply. After a question or a switch the pending prompt is asked again (in the new language).
 */
export abstract class InterruptibleDialog extends ComponentDialog {
  /** Prompts whose own validator understands free text (the menus), so questions are not hijacked there. */
  private readonly freeTextPrompts = new Set<string>();
  /**
   * Checks that recognise a direct answer to one of this dialog's prompts ("i går" for a date, "send again"
   * or "12ab" for a code, "født i 2013" for a year). The classifier may read a question into such a message
   * ("i går" as "when does the letter come?"), but the waiting prompt gets it, never an interruption.
   */
  private readonly promptAnswers = new Map<string, (text: string) => boolean>();
  /** Which child dialogs are flows, so a request for another flow can be told from a question. */
  private readonly flows = new Map<string, Flow>();

  constructor(
    id: string,
    protected readonly deps: DialogDeps,
  ) {
    super(id);
  }

  /** Marks one of this dialog's prompts as taking free text: questions there go to the prompt. */
  protected takesFreeText(promptId: string): void {
    this.freeTextPrompts.add(promptId);
  }

  /** Registers how to recognise a direct answer to one of this dialog's prompts. */
  protected recognisesAnswer(promptId: string, isAnswer: (text: string) => boolean): void {
    this.promptAnswers.set(promptId, isAnswer);
  }

  /** Marks a child dialog as a flow the user can switch to and away from. */
  protected registerFlow(dialogId: string, flow: Flow): void {
    this.flows.set(dialogId, flow);
  }

  isPromptAnswer(promptId: string, text: string): boolean {
    return this.promptAnswers.get(promptId)?.(text) ?? false;
  }

  isFreeTextPrompt(promptId: string): boolean {
    return this.freeTextPrompts.has(promptId);
  }

  protected async onContinueDialog(innerDc: DialogContext): Promise<DialogTurnResult> {
    const ctx = innerDc.context;
    if (ctx.activity.type !== ActivityTypes.Message || ctx.turnState.get(HANDLED)) {
      return super.onContinueDialog(innerDc);
    }
    ctx.turnState.set(HANDLED, true);
    const interrupted = await this.interrupt(innerDc);
    return interrupted ?? super.onContinueDialog(innerDc);
  }

  /** Returns a turn result when the message was an interruption, undefined to let the step handle it. */
  private async interrupt(innerDc: DialogContext): Promise<DialogTurnResult | undefined> {
    const ctx = innerDc.context;
    if (languageSwitchedThisTurn(ctx)) {
      await say(ctx, 'language.switched');
      relocalizePrompt(ctx, innermostDialog(innerDc)?.state.options as PromptOptions | undefined);
      await innerDc.repromptDialog();
      return Dialog.EndOfTurn;
    }
    if (looksLikeSecret(ctx.activity.text ?? '')) {
      // Not handed to any step, so it is neither stored nor echoed; the pending question is asked again.
      await say(ctx, 'privacy.secretWarning');
      await innerDc.repromptDialog();
      return Dialog.EndOfTurn;
    }
    const { intent, score, command, guess } = turnUnderstanding(ctx);
    const owner = promptOwner(innerDc, this);
    if (score < INTERRUPT_THRESHOLD) return this.answerLikelyQuestion(innerDc, owner);
    if (answersWaitingPrompt(innerDc, owner)) return undefined;
    // Cancel, start over and delete drop the user's data: only an explicit command phrase or button does
    // that, never a classification (the recogniser already holds to this; this is the second lock).
    const guessed = isDestructiveIntent(intent) && command !== true ? intent : guess;
    const atFreeText = owner.isFreeTextPrompt(innermostDialogId(innerDc) ?? '');
    if (guessed !== undefined && isDestructiveIntent(guessed) && !atFreeText) {
      // A confident guess that the user wants to cancel, start over or delete: ask, with the command as a
      // button (tapping it is explicit), and go on with the waiting question. Nothing is dropped.
      const title = tr(ctx, `interrupt.commandButtons.${guessed}`);
      await ctx.sendActivity(message(ctx, `interrupt.confirm.${guessed}`, {}, [{ title, value: title }]));
      await innerDc.repromptDialog();
      return Dialog.EndOfTurn;
    }
    if (isDestructiveIntent(intent) && command !== true) return undefined;
    switch (intent) {
      case 'cancel':
        await innerDc.cancelAllDialogs();
        await say(ctx, 'interrupt.cancelled');
        return this.afterReset(innerDc);
      case 'restart':
        await innerDc.cancelAllDialogs();
        await say(ctx, 'interrupt.restarted');
        return this.afterReset(innerDc);
      case 'delete-conversation':
        await innerDc.cancelAllDialogs();
        await this.deps.conversationState.delete(ctx);
        await say(ctx, 'privacy.deleted');
        return { status: DialogTurnStatus.cancelled };
      case 'help':
        await say(ctx, [`help.${innermostDialogId(innerDc) ?? 'general'}`, 'help.general'], ruleParams());
        await innerDc.repromptDialog();
        return Dialog.EndOfTurn;
      case 'human':
        // An explicit ask (command phrase or button) is consent and queues; a guess is offered first.
        if (handoffAction({ kind: 'asked', explicit: command === true }).action === 'queue') {
          if (await requestHandoff(ctx, 'asked')) return Dialog.EndOfTurn;
          await sayHumanHelp(ctx);
        } else if ((await offerHandoff(ctx, 'asked')) === 'unavailable') {
          await sayHumanHelp(ctx);
        }
        await innerDc.repromptDialog();
        return Dialog.EndOfTurn;
      case 'switch-language':
        // "språk"/"language" without naming one: offer the three; tapping one is an explicit switch, and
        // the pending question is asked again in that language. Answering the question instead also works.
        await ctx.sendActivity(
          message(
            ctx,
            'language.choose',
            {},
            LANGS.map((lang) => ({
              title: tr(ctx, `language.names.${lang}`),
              value: tr(ctx, `language.names.${lang}`),
            })),
          ),
        );
        return Dialog.EndOfTurn;
      default:
        break;
    }
    const wanted = FLOW_INTENTS[intent];
    const running = currentFlow(innerDc, this.flows);
    if (wanted && running && wanted !== running) {
      // A clear request for another flow: the current one ends as a cancel does (its digits go with it).
      await innerDc.cancelAllDialogs();
      await say(ctx, 'interrupt.switched');
      return this.switchTo(innerDc);
    }
    const waitingFor = innermostDialogId(innerDc);
    if (isQuestionIntent(intent) && !(waitingFor && owner.isFreeTextPrompt(waitingFor))) {
      await answerQuestion(ctx, intent);
      await say(ctx, 'interrupt.resume');
      await innerDc.repromptDialog();
      return Dialog.EndOfTurn;
    }
    return undefined;
  }

  /**
   * A question below INTERRUPT_THRESHOLD but above QUESTION_THRESHOLD, in a message with no digits at a
   * prompt that is not free text: answering it is harmless (nothing is dropped), while the prompt's own
   * check would only answer "that is not a number".
   */
  private async answerLikelyQuestion(
    innerDc: DialogContext,
    owner: InterruptibleDialog,
  ): Promise<DialogTurnResult | undefined> {
    const ctx = innerDc.context;
    const { intent, score } = turnUnderstanding(ctx);
    const waitingFor = innermostDialogId(innerDc);
    if (score < QUESTION_THRESHOLD || /\d/.test(ctx.activity.text ?? '')) return undefined;
    if (answersWaitingPrompt(innerDc, owner)) return undefined;
    if (isQuestionIntent(intent) && !(waitingFor && owner.isFreeTextPrompt(waitingFor))) {
      await answerQuestion(ctx, intent);
      await say(ctx, 'interrupt.resume');
      await innerDc.repromptDialog();
      return Dialog.EndOfTurn;
    }
    return undefined;
  }

  /**
   * What follows a cancel or start-over. A flow dialog on its own simply ends (nothing the user typed is
   * kept: its whole stack is gone); the main dialog overrides this to show the menu again.
   */
  protected async afterReset(_innerDc: DialogContext): Promise<DialogTurnResult> {
    return { status: DialogTurnStatus.cancelled };
  }

  /**
   * What follows a switch to another flow: on its own a flow dialog ends; the main dialog overrides this
   * to start the flow the turn's text asks for.
   */
  protected async switchTo(_innerDc: DialogContext): Promise<DialogTurnResult> {
    return { status: DialogTurnStatus.cancelled };
  }
}
