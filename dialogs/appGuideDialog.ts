import {
  WaterfallDialog,
  type DialogTurnResult,
  type FoundChoice,
  type WaterfallStepContext,
} from 'botbuilder-dialogs';
import { composed, promptOptions, say, trList } from '../src/bot/text';
import { ruleParams } from './answers';
import type { DialogDeps } from './dialogDeps';
import { InterruptibleDialog } from './interruptibleDialog';
import { ReusingChoicePrompt, type PromptDefaults } from './prompts';

export const APP_GUIDE_DIALOG = 'appGuideDialog';
const INTRO = 'appGuideIntro';
const STEP_LOOP = 'appGuideStepLoop';
const NEXT_PROMPT = 'appGuideNextPrompt';

interface StepOptions {
  index: number;
  /** "back" was asked at the first step. */
  atFirst?: boolean;
}

type Move = 'next' | 'back' | 'repeat' | 'stop';

/** Typed words for each move, in all three languages (the button titles come from the locale files). */
const MOVE_WORDS: Readonly<Record<Move, string[]>> = {
  next: ['next', 'neste', 'videre', 'ok', 'fortsett', 'continue'],
  back: ['back', 'tilbake', 'forrige', 'førre', 'previous', 'go back', 'gå tilbake'],
  repeat: [
    'repeat',
    'gjenta',
    'igjen',
    'again',
    'en gang til',
    'ein gong til',
    'once more',
    'vis igjen',
    'syn igjen',
  ],
  stop: ['stop', 'stopp', 'ferdig', 'done', 'avslutt'],
};

/**
 * Step 2, the MinID app, one step at a time: what you need first, then each app step with "next" or
 * "stop". The password rule is explained at its step; the bot never asks for, keeps or repeats a password.
 */
export class AppGuideDialog extends InterruptibleDialog {
  constructor(deps: DialogDeps, prompts: PromptDefaults) {
    super(APP_GUIDE_DIALOG, deps);
    this.addDialog(new ReusingChoicePrompt(NEXT_PROMPT, undefined, 'nb-no', prompts.choice));
    this.addDialog(new WaterfallDialog(INTRO, [this.introStep.bind(this)]));
    this.addDialog(new WaterfallDialog(STEP_LOOP, [this.showStep.bind(this), this.afterStep.bind(this)]));
    this.initialDialogId = INTRO;
  }

  private stepTexts(step: WaterfallStepContext): string[] {
    return trList(step.context, 'app.steps');
  }

  private async introStep(step: WaterfallStepContext): Promise<DialogTurnResult> {
    await say(step.context, 'app.need', ruleParams());
    return step.replaceDialog(STEP_LOOP, { index: 0 } satisfies StepOptions);
  }

  private async showStep(step: WaterfallStepContext<StepOptions>): Promise<DialogTurnResult> {
    const texts = this.stepTexts(step);
    const { index } = step.options;
    const stepText = { n: index + 1, total: texts.length, text: texts[index] ?? '' };
    if (index === texts.length - 1) {
      // The last step is "you're done": nothing comes next, so no next/stop buttons.
      await step.context.sendActivity(composed(step.context, [['app.stepOf', stepText], ['app.done']]));
      return step.endDialog();
    }
    const moves = this.moves(index);
    return step.prompt(
      NEXT_PROMPT,
      promptOptions(step.context, {
        prompt: step.options.atFirst
          ? [['app.atFirst'], ['app.stepOf', stepText]]
          : [['app.stepOf', stepText]],
        retry: [['app.nextRetry']],
        choices: moves.map((move) => ({ key: `app.${move}`, synonyms: MOVE_WORDS[move] })),
      }),
    );
  }

  /** The moves offered at every step ("back" at the first step says so and shows it again). */
  private moves(_index: number): Move[] {
    return ['next', 'back', 'repeat', 'stop'];
  }

  private async afterStep(step: WaterfallStepContext<StepOptions>): Promise<DialogTurnResult> {
    const found = step.result as FoundChoice | undefined;
    const { index } = step.options;
    const move = found ? this.moves(index)[found.index] : 'next';
    switch (move) {
      case 'stop':
        await say(step.context, 'app.stopped');
        return step.endDialog();
      case 'back':
        // Back is one step back within the guide: nothing is started over, nothing is deleted.
        return step.replaceDialog(STEP_LOOP, {
          index: Math.max(0, index - 1),
          atFirst: index === 0,
        } satisfies StepOptions);
      case 'repeat':
        return step.replaceDialog(STEP_LOOP, { index } satisfies StepOptions);
      default:
        return step.replaceDialog(STEP_LOOP, { index: index + 1 } satisfies StepOptions);
    }
  }
}
