import {
  TextPrompt,
  WaterfallDialog,
  type DialogTurnResult,
  type FoundChoice,
  type PromptValidatorContext,
  type WaterfallStepContext,
} from 'botbuilder-dialogs';
import { promptOptions, say } from '../src/bot/text';
import { turnUnderstanding } from '../src/bot/turn';
import { INPUT_POLICY, letterStatus, localDate } from '../src/rules';
import { parseUserDate } from '../src/understanding/dates';
import { answerQuestion, helpFromPerson, ruleParams } from './answers';
import type { DialogDeps } from './dialogDeps';
import { InterruptibleDialog } from './interruptibleDialog';
import { ReusingChoicePrompt, type PromptDefaults } from './prompts';

export const LETTER_QUESTIONS_DIALOG = 'letterQuestionsDialog';
const WATERFALL = 'letterQuestionsWaterfall';
const TOPIC_PROMPT = 'letterTopicPrompt';
const ORDER_DATE_PROMPT = 'letterOrderDatePrompt';

export const LETTER_TOPICS = [
  'letter-delivery-time',
  'letter-not-arrived',
  'letter-expired',
  'address',
  'care-of',
  'abroad',
] as const;
export type LetterTopic = (typeof LETTER_TOPICS)[number];
/** Topics answered with the user's own dates, so the order date is asked for. */
const DATED: ReadonlySet<LetterTopic> = new Set([
  'letter-delivery-time',
  'letter-not-arrived',
  'letter-expired',
]);

export function isLetterTopic(intent: string | undefined): intent is LetterTopic {
  return (LETTER_TOPICS as readonly string[]).includes(intent ?? '');
}

export interface LetterQuestionsOptions {
  topic?: LetterTopic;
}

interface LetterValues {
  topic?: LetterTopic;
}

/**
 * Questions about a letter already ordered: when it comes, it didn't come, it expired, wrong address,
 * c/o, abroad. Timing questions are answered with the user's own order date through the rules module.
 */
export class LetterQuestionsDialog extends InterruptibleDialog {
  constructor(deps: DialogDeps, prompts: PromptDefaults) {
    super(LETTER_QUESTIONS_DIALOG, deps);
    this.addDialog(
      new ReusingChoicePrompt(TOPIC_PROMPT, (pc) => this.validateTopic(pc), 'nb-no', prompts.choice),
    );
    this.addDialog(new TextPrompt(ORDER_DATE_PROMPT, (pc) => this.validateDate(pc)));
    // "i går" or "4. november" is the date asked for, even if it reads like a question to the classifier.
    this.recognisesAnswer(ORDER_DATE_PROMPT, (text) => parseUserDate(text, this.today()) !== undefined);
    this.takesFreeText(TOPIC_PROMPT);
    this.addDialog(
      new WaterfallDialog(WATERFALL, [
        this.topicStep.bind(this),
        this.dateStep.bind(this),
        this.answerStep.bind(this),
      ]),
    );
    this.initialDialogId = WATERFALL;
  }

  private today(): string {
    return localDate(this.deps.clock().toISOString());
  }

  private async topicStep(step: WaterfallStepContext<LetterQuestionsOptions>): Promise<DialogTurnResult> {
    if (step.options?.topic) return step.next(step.options.topic);
    return step.prompt(
      TOPIC_PROMPT,
      promptOptions(step.context, {
        prompt: [['letter.askTopic']],
        retry: [['letter.topicRetry']],
        choices: LETTER_TOPICS.map((topic) => ({ key: `letter.topics.${topic}` })),
      }),
    );
  }

  private async validateTopic(pc: PromptValidatorContext<FoundChoice>): Promise<boolean> {
    return pc.recognized.succeeded || isLetterTopic(turnUnderstanding(pc.context).intent);
  }

  private async dateStep(step: WaterfallStepContext<LetterQuestionsOptions>): Promise<DialogTurnResult> {
    const found = step.result as FoundChoice | LetterTopic | undefined;
    // A topic given by the caller, a tapped or numbered choice, or free text the validator let through.
    const { intent } = turnUnderstanding(step.context);
    const fromText = isLetterTopic(intent) ? intent : undefined;
    const topic = typeof found === 'string' ? found : found ? LETTER_TOPICS[found.index] : fromText;
    if (!topic) return step.endDialog();
    (step.values as LetterValues).topic = topic;
    if (!DATED.has(topic)) {
      await answerQuestion(step.context, topic);
      return step.endDialog();
    }
    return step.prompt(
      ORDER_DATE_PROMPT,
      promptOptions(step.context, { prompt: [['letter.askOrderDate']], retry: [['letter.orderDateRetry']] }),
    );
  }

  private async validateDate(pc: PromptValidatorContext<string>): Promise<boolean> {
    return (
      parseUserDate(pc.recognized.value ?? '', this.today()) !== undefined ||
      pc.attemptCount >= INPUT_POLICY.maxTries
    );
  }

  private async answerStep(step: WaterfallStepContext): Promise<DialogTurnResult> {
    const topic = (step.values as LetterValues).topic as LetterTopic;
    const today = this.today();
    const date = parseUserDate(String(step.result ?? ''), today);
    if (date === undefined || date === 'unknown') {
      await answerQuestion(step.context, topic);
      // No date after every try ("I don't know" is an answer, not a failure): a person is offered.
      if (date === undefined) {
        await helpFromPerson(
          step.context,
          { kind: 'failed-tries', tries: INPUT_POLICY.maxTries },
          { failure: 'orderDate.not-understood', contactWithoutHub: false },
        );
      }
      return step.endDialog();
    }
    const status = letterStatus(date, today);
    if (status.phase === 'future') {
      await say(step.context, 'letter.status.future');
      await answerQuestion(step.context, topic);
      return step.endDialog();
    }
    await say(step.context, `letter.status.${status.phase}`, {
      ...ruleParams(),
      orderedOn: status.orderedOn,
      deliveryBy: status.deliveryBy,
      validUntil: status.validUntil,
      newOrderFrom: status.newOrderFrom,
    });
    return step.endDialog();
  }
}
