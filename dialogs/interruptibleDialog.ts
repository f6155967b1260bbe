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
import { LANGS } from '../src/i18n';
import { message, relocalizePrompt, say, tr } from '../src/bot/text';
import { turnUnderstanding } from '../src/bot/turn';
import { requestHandoff } from '../src/handoff/desk';
import type { DialogDeps } from './dialogDeps';
import { answerQuestion, isQuestionIntent, ruleParams, sayHumanHelp } from './answers';

/** Intents that interrupt any step; questions are answered only when a flow is running. */
const INTERRUPT_THRESHOLD = 0.7;
const HANDLED = Symbol('minid.interruptionChecked');

// "passordet mitt er Hemmelig123", "my password is ...", "BankID-koden min er ...": a secret typed in chat.
const SECRET =
  /\b(passord(et)?|password|pin(-?kode(n)?)?|bankid[- ]?(kode(n)?|passord(et)?|code))\b\W{0,3}(\w+\s+){0,3}?(er|is|=|:)\s*\S{4,}/i;

/** True when the text looks like someone typing a password or BankID code to the bot. */
export function looksLikeSecret(text: string): boolean {
  return SECRET.test(text);
}

/** The innermost active dialog instance, e.g. the prompt waiting for input. */
function innermostDialog(dc: DialogContext): DialogInstance | undefined {
  let current: DialogContext | undefined = dc;
  let instance: DialogInstance | undefined;
  while (current?.activeDialog) {
    instance = current.activeDialog;
    current = current.child;
  }
  return instance;
}

export function innermostDialogId(dc: DialogContext): string | undefined {
  return innermostDialog(dc)?.id;
}

/** The innermost InterruptibleDialog on the stack: the one whose own dialog set holds the waiting prompt. */
function promptOwner(dc: DialogContext, outermost: InterruptibleDialog): InterruptibleDialog {
  let owner = outermost;
  let current: DialogContext | undefined = dc;
  while (current?.activeDialog) {
    const dialog = current.findDialog(current.activeDialog.id);
    if (dialog instanceof InterruptibleDialog) owner = dialog;
    current = current.child;
  }
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
    const { intent, score } = turnUnderstanding(ctx);
    const owner = promptOwner(innerDc, this);
    if (score < INTERRUPT_THRESHOLD || answersWaitingPrompt(innerDc, owner)) return undefined;
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
        if (await requestHandoff(ctx)) return Dialog.EndOfTurn;
        await sayHumanHelp(ctx);
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
   * What follows a cancel or start-over. A flow dialog on its own simply ends (nothing the user typed is
   * kept: its whole stack is gone); the main dialog overrides this to show the menu again.
   */
  protected async afterReset(_innerDc: DialogContext): Promise<DialogTurnResult> {
    return { status: DialogTurnStatus.cancelled };
  }
}
