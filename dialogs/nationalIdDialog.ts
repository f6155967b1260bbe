import {
  TextPrompt,
  WaterfallDialog,
  type DialogTurnResult,
  type PromptValidatorContext,
  type WaterfallStepContext,
} from 'botbuilder-dialogs';
import { message, promptOptions, say } from '../src/bot/text';
import { INPUT_POLICY, ageRuleFromBirthYear, lastTwoDigits, localDate, parseNationalId } from '../src/rules';
import { hasNationalIdCandidate, numberText } from '../src/understanding/entities';
import { helpFromPerson, ruleParams } from './answers';
import { rememberAge } from '../src/bot/memory';
import { turnSession } from '../src/bot/turn';
import { noteFailure } from '../src/handoff/summary';
import type { DialogDeps } from './dialogDeps';
import { InterruptibleDialog } from './interruptibleDialog';

export const NATIONAL_ID_DIALOG = 'nationalIdDialog';
const WATERFALL = 'nationalIdWaterfall';
const ID_PROMPT = 'nationalIdPrompt';

/** What the dialog hands back: the valid number, or why the order cannot go on. */
export interface NationalIdOptions {
  /** The turn's own text may already hold the number (typed at the menu): use it without asking. */
  useTurnText?: boolean;
}

export type NationalIdResult =
  { ok: true; nationalId: string; birthDate: string } | { ok: false; reason: 'too-many-tries' | 'too-young' };

/**
 * Asks for the fødselsnummer or D-nummer, explains exactly what is wrong with a bad one, confirms a good
 * one by its last two digits only, and says "too young" here already, since the number alone decides it.
 */
export class NationalIdDialog extends InterruptibleDialog {
  constructor(deps: DialogDeps) {
    super(NATIONAL_ID_DIALOG, deps);
    this.addDialog(new TextPrompt(ID_PROMPT, (pc) => this.validateNationalId(pc)));
    // "mitt fødselsnummer er 14838510036" is the answer, however the classifier reads the words around it.
    this.recognisesAnswer(ID_PROMPT, hasNationalIdCandidate);
    this.addDialog(new WaterfallDialog(WATERFALL, [this.askStep.bind(this), this.checkStep.bind(this)]));
    this.initialDialogId = WATERFALL;
  }

  private today(): string {
    return localDate(this.deps.clock().toISOString());
  }

  /** The number inside the user's words ("nummeret mitt er 148385 10036"), checked by the rules module. */
  private parse(text: string) {
    return parseNationalId(numberText(text), {
      today: this.today(),
      acceptSynthetic: this.deps.acceptSynthetic,
    });
  }

  private async askStep(step: WaterfallStepContext<NationalIdOptions>): Promise<DialogTurnResult> {
    // Only a number that is valid is taken from the turn's text; anything else gets the question.
    const typed = step.options?.useTurnText ? (step.context.activity.text ?? '') : '';
    if (typed && hasNationalIdCandidate(typed) && this.parse(typed).ok) return step.next(typed);
    return step.prompt(ID_PROMPT, promptOptions(step.context, { prompt: [['nationalId.ask']] }));
  }

  /** A specific retry prompt per reason; after the last try the step takes over and offers a person. */
  private async validateNationalId(pc: PromptValidatorContext<string>): Promise<boolean> {
    const input = numberText(pc.recognized.value ?? '');
    const parsed = this.parse(input);
    // Each refused number is noted by its reason (never the number) for an agent's summary.
    const session = turnSession(pc.context);
    if (!parsed.ok && session) noteFailure(session, `idNumber.${parsed.reason}`);
    if (parsed.ok || pc.attemptCount >= INPUT_POLICY.maxTries) return true;
    const digits = (input.match(/\d/g) ?? []).length;
    pc.options.retryPrompt = message(pc.context, `nationalId.invalid.${parsed.reason}`, { count: digits });
    return false;
  }

  private async checkStep(step: WaterfallStepContext): Promise<DialogTurnResult> {
    const parsed = this.parse(String(step.result ?? ''));
    if (!parsed.ok) {
      this.deps.metrics?.funnel(step.context, 'id-too-many-tries');
      await say(step.context, 'nationalId.tooManyTries');
      await helpFromPerson(step.context, { kind: 'failed-tries', tries: INPUT_POLICY.maxTries });
      return step.endDialog({ ok: false, reason: 'too-many-tries' } satisfies NationalIdResult);
    }
    this.deps.metrics?.funnel(step.context, 'id-accepted');
    await say(step.context, 'nationalId.received', { lastTwo: lastTwoDigits(parsed.value) });
    const age = ageRuleFromBirthYear(Number(parsed.birthDate.slice(0, 4)), this.today());
    if (!age.canOrder) {
      this.deps.metrics?.funnel(step.context, 'too-young');
      rememberAge(step.context, false);
      await say(step.context, 'outcome.too-young', { ...ruleParams(), orderableFrom: age.orderableFrom });
      return step.endDialog({ ok: false, reason: 'too-young' } satisfies NationalIdResult);
    }
    return step.endDialog({
      ok: true,
      nationalId: parsed.value,
      birthDate: parsed.birthDate,
    } satisfies NationalIdResult);
  }
}
