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
}

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
    return step.prompt(
      NEXT_PROMPT,
      promptOptions(step.context, {
        prompt: [['app.stepOf', stepText]],
        retry: [['app.nextRetry']],
        choices: [
          { key: 'app.next', synonyms: ['next', 'neste', 'videre', 'ok'] },
          { key: 'app.stop', synonyms: ['stop', 'stopp', 'ferdig', 'done'] },
        ],
      }),
    );
  }

  private async afterStep(step: WaterfallStepContext<StepOptions>): Promise<DialogTurnResult> {
    const found = step.result as FoundChoice | undefined;
    if (found?.index === 1) {
      await say(step.context, 'app.stopped');
      return step.endDialog();
    }
    return step.replaceDialog(STEP_LOOP, { index: step.options.index + 1 } satisfies StepOptions);
  }
}
