import {
  TextPrompt,
  WaterfallDialog,
  type DialogTurnResult,
  type PromptValidatorContext,
  type WaterfallStepContext,
} from 'botbuilder-dialogs';
import { promptOptions, say } from '../src/bot/text';
import { INPUT_POLICY, LETTER_POLICY, ageRuleFromBirthYear, localDate } from '../src/rules';
import { rememberAge } from '../src/bot/memory';
import { helpFromPerson } from './answers';
import type { DialogDeps } from './dialogDeps';
import { InterruptibleDialog } from './interruptibleDialog';

export const AGE_DIALOG = 'ageDialog';
const WATERFALL = 'ageWaterfall';
const YEAR_PROMPT = 'birthYearPrompt';

export interface AgeOptions {
  /** The user's words that started the flow; a birth year in them is used without asking. */
  text?: string;
}

/**
 * "Can I order, I'm 12?": the age rule needs the birth year (an age alone can't say whether one turns 13
 * this year), so the dialog asks for the year only, never the full number, and answers with the date.
 */
export class AgeDialog extends InterruptibleDialog {
  constructor(deps: DialogDeps) {
    super(AGE_DIALOG, deps);
    this.addDialog(new TextPrompt(YEAR_PROMPT, (pc) => this.validateYear(pc)));
    // "jeg er født i 2013" answers the question; it is not the general age question asked again.
    this.recognisesAnswer(YEAR_PROMPT, (text) => this.birthYear(text) !== undefined);
    this.addDialog(new WaterfallDialog(WATERFALL, [this.yearStep.bind(this), this.answerStep.bind(this)]));
    this.initialDialogId = WATERFALL;
  }

  private today(): string {
    return localDate(this.deps.clock().toISOString());
  }

  /** A plausible birth year in the text: four digits, not after this year, not absurdly long ago. */
  private birthYear(text: string | undefined): number | undefined {
    const match = /(?<!\d)(19\d{2}|20\d{2})(?!\d)/.exec(text ?? '');
    const year = match ? Number(match[1]) : undefined;
    const thisYear = Number(this.today().slice(0, 4));
    return year !== undefined && year <= thisYear && year > thisYear - 130 ? year : undefined;
  }

  private async yearStep(step: WaterfallStepContext<AgeOptions>): Promise<DialogTurnResult> {
    const year = this.birthYear(step.options?.text);
    if (year !== undefined) return step.next(String(year));
    return step.prompt(
      YEAR_PROMPT,
      promptOptions(step.context, {
        prompt: [['age.askYear', { age: LETTER_POLICY.firstOrderAge }]],
        retry: [['age.yearRetry']],
      }),
    );
  }

  private async validateYear(pc: PromptValidatorContext<string>): Promise<boolean> {
    return this.birthYear(pc.recognized.value) !== undefined || pc.attemptCount >= INPUT_POLICY.maxTries;
  }

  private async answerStep(step: WaterfallStepContext): Promise<DialogTurnResult> {
    const year = this.birthYear(String(step.result ?? ''));
    if (year === undefined) {
      await say(step.context, 'answers.age', { age: LETTER_POLICY.firstOrderAge });
      // No year after every try: a person is offered (nothing more without a hub).
      await helpFromPerson(
        step.context,
        { kind: 'failed-tries', tries: INPUT_POLICY.maxTries },
        { failure: 'birthYear.not-understood', contactWithoutHub: false },
      );
      return step.endDialog();
    }
    const rule = ageRuleFromBirthYear(year, this.today());
    rememberAge(step.context, rule.canOrder);
    await say(step.context, rule.canOrder ? 'age.canOrder' : 'age.notYet', {
      age: LETTER_POLICY.firstOrderAge,
      orderableFrom: rule.orderableFrom,
    });
    return step.endDialog();
  }
}
