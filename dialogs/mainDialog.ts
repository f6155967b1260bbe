import {
  Dialog,
  WaterfallDialog,
  type DialogContext,
  type DialogTurnResult,
  type FoundChoice,
  type PromptValidatorContext,
  type WaterfallStepContext,
} from 'botbuilder-dialogs';
import type { TurnContext } from 'botbuilder';
import { promptOptions, say } from '../src/bot/text';
import { hasNationalIdCandidate } from '../src/understanding/entities';
import type { NationalIdOptions } from './nationalIdDialog';
import { conversationMemory, turnUnderstanding } from '../src/bot/turn';
import { foreignLanguage } from '../src/understanding/foreign';
import { AGE_DIALOG, AgeDialog, type AgeOptions } from './ageDialog';
import { rememberFlow } from '../src/bot/memory';
import { answerQuestion, answeredByMemory, isQuestionIntent, ruleParams, sayHumanHelp } from './answers';
import { offerHandoff, requestHandoff } from '../src/handoff/desk';
import { handoffAction, nextFallbackCount } from '../src/rules/handoff';
import { APP_GUIDE_DIALOG, AppGuideDialog } from './appGuideDialog';
import type { DialogDeps } from './dialogDeps';
import { InterruptibleDialog } from './interruptibleDialog';
import {
  LETTER_QUESTIONS_DIALOG,
  LetterQuestionsDialog,
  isLetterTopic,
  type LetterQuestionsOptions,
} from './letterQuestionsDialog';
import { ORDER_DIALOG, OrderDialog } from './orderDialog';
import { ReusingChoicePrompt, type PromptDefaults } from './prompts';

export const MAIN_DIALOG = 'mainDialog';
const WATERFALL = 'mainWaterfall';
const MENU_PROMPT = 'mainMenuPrompt';

/** The menu, in the order shown; a typed number picks by this order. */
const MENU = ['order', 'letter', 'app', 'human'] as const;
type MenuItem = (typeof MENU)[number];

export interface MainOptions {
  /** The turn's own text may already say what the user wants ("jeg vil bestille aktiveringsbrev"). */
  useTurnText?: boolean;
  /** Coming back from a finished flow: ask "anything else?" instead of the first question. */
  again?: boolean;
  /** The last message was not understood: say so honestly and offer what fits (see fallbackPrompt). */
  fallback?: FallbackKind;
}

/**
 * `topics`: "I can help with …" and the 2-3 likeliest topics as buttons plus the way to a person;
 * `human`: the second fallback in a row offers a person; `language`: a message in a language the bot
 * does not speak is told, in English and Norwegian, which languages it speaks.
 */
type FallbackKind = 'topics' | 'human' | 'language';

/** The buttons a fallback offered, as intents, so a tapped one is routed to what it stands for. */
interface MenuValues {
  offered?: string[];
  /** Queued for a person from the menu: the first message after the person gives it back is read as at the menu. */
  handedOff?: boolean;
}

/** How many likely topics a fallback offers (with the way to a person after them). */
const FALLBACK_TOPICS = 3;
/** What people most often come for: fills up a fallback when the classifier has few likely topics. */
const COMMON_TOPICS = ['order-letter', 'letter-not-arrived', 'app-setup'] as const;

/** What a free-text intent at the top level leads to. */
type Route = MenuItem | 'age' | 'answer' | 'greeting' | 'thanks' | 'goodbye' | 'timing';

/** Where free text at the top level leads: a national ID number typed at the menu starts the order with it. */
function routeForText(context: TurnContext): Route | undefined {
  if (hasNationalIdCandidate(context.activity.text ?? '')) return 'order';
  return routeForIntent(turnUnderstanding(context).intent);
}

function routeForIntent(intent: string): Route | undefined {
  switch (intent) {
    case 'order-letter':
      return 'order';
    case 'app-setup':
      return 'app';
    case 'human':
      return 'human';
    case 'age':
      return 'age';
    case 'greeting':
      return 'greeting';
    case 'thanks':
      return 'thanks';
    case 'goodbye':
      return 'goodbye';
    case 'letter-delivery-time':
      // "How long does it take?" is answered at once (with this conversation's order if there is one),
      // never with a demand for an order date.
      return 'timing';
    default:
      if (isLetterTopic(intent)) return 'letter';
      return isQuestionIntent(intent) ? 'answer' : undefined;
  }
}

/**
 * The top level: the menu (buttons where the channel has them, a numbered list where it doesn't) and free
 * text in any of the three languages, routed to a flow or a rule answer. After a flow it offers the menu
 * again. As the outermost dialog it owns the interruptions for everything below it.
 */
export class MainDialog extends InterruptibleDialog {
  constructor(deps: DialogDeps, prompts: PromptDefaults) {
    super(MAIN_DIALOG, deps);
    this.addDialog(
      new ReusingChoicePrompt(MENU_PROMPT, (pc) => this.validateMenu(pc), 'nb-no', prompts.choice),
    );
    this.takesFreeText(MENU_PROMPT);
    this.addDialog(new OrderDialog(deps, prompts));
    this.addDialog(new LetterQuestionsDialog(deps, prompts));
    this.addDialog(new AppGuideDialog(deps, prompts));
    this.addDialog(new AgeDialog(deps));
    this.registerFlow(ORDER_DIALOG, 'order');
    this.registerFlow(APP_GUIDE_DIALOG, 'app');
    this.registerFlow(LETTER_QUESTIONS_DIALOG, 'letter');
    this.registerFlow(AGE_DIALOG, 'age');
    this.addDialog(
      new WaterfallDialog(WATERFALL, [
        this.menuStep.bind(this),
        this.routeStep.bind(this),
        this.loopStep.bind(this),
      ]),
    );
    this.initialDialogId = WATERFALL;
  }

  protected async afterReset(innerDc: DialogContext): Promise<DialogTurnResult> {
    return innerDc.beginDialog(WATERFALL, {} satisfies MainOptions);
  }

  protected async switchTo(innerDc: DialogContext): Promise<DialogTurnResult> {
    return innerDc.beginDialog(WATERFALL, { useTurnText: true } satisfies MainOptions);
  }

  private async menuStep(step: WaterfallStepContext<MainOptions>): Promise<DialogTurnResult> {
    const options = step.options ?? {};
    if (options.useTurnText) {
      if (foreignLanguage(step.context.activity.text ?? '')) return this.fallbackPrompt(step, 'language');
      const route = routeForText(step.context);
      if (route && route !== 'greeting') return step.next(route);
    }
    if (options.fallback) return this.fallbackPrompt(step, options.fallback);
    return step.prompt(
      MENU_PROMPT,
      promptOptions(step.context, {
        prompt: [[options.again ? 'menu.again' : 'menu.ask']],
        retry: [['menu.retry']],
        choices: MENU.map((item) => ({ key: `menu.items.${item}` })),
      }),
    );
  }

  /** The honest fallback: what the bot can do, the likeliest topics as buttons, and the way to a person. */
  private async fallbackPrompt(
    step: WaterfallStepContext<MainOptions>,
    kind: FallbackKind,
  ): Promise<DialogTurnResult> {
    const menu = MENU.map((item) => ({ key: `menu.items.${item}` }));
    const retry: Array<[string]> = [['menu.retry']];
    if (kind === 'human' && (await offerHandoff(step.context, 'not-understood')) !== 'unavailable') {
      // A person is offered (or, out of hours, the next opening with phone and e-mail has been said).
      return step.prompt(
        MENU_PROMPT,
        promptOptions(step.context, { prompt: [['fallback.intro']], retry, choices: menu }),
      );
    }
    if (kind !== 'topics') {
      const key = kind === 'language' ? 'fallback.otherLanguage' : 'fallback.human';
      return step.prompt(
        MENU_PROMPT,
        promptOptions(step.context, { prompt: [[key, ruleParams()]], retry, choices: menu }),
      );
    }
    // The classifier's likeliest topics first, filled up with what people most often come for.
    const likely = [
      ...new Set([
        ...(turnUnderstanding(step.context).candidates ?? []).filter(
          (intent) => intent !== 'human' && routeForIntent(intent) !== undefined,
        ),
        ...COMMON_TOPICS,
      ]),
    ].slice(0, FALLBACK_TOPICS);
    (step.values as MenuValues).offered = [...likely, 'human'];
    return step.prompt(
      MENU_PROMPT,
      promptOptions(step.context, {
        prompt: [['fallback.intro'], ['fallback.pickTopic']],
        retry,
        choices: [...likely.map((intent) => ({ key: `topics.${intent}` })), { key: 'menu.items.human' }],
      }),
    );
  }

  /**
   * Any message answers the menu: a choice (tapped, typed or its number), free text the recogniser can
   * route, or anything else, which gets the honest fallback.
   */
  private async validateMenu(pc: PromptValidatorContext<FoundChoice>): Promise<boolean> {
    return pc.recognized.succeeded || (pc.context.activity.text ?? '').trim() !== '';
  }

  private async routeStep(step: WaterfallStepContext): Promise<DialogTurnResult> {
    const result = step.result as FoundChoice | Route | undefined;
    const offered = (step.values as MenuValues).offered;
    let intent = turnUnderstanding(step.context).intent;
    // A choice counts when tapped or typed as it is (or its number); the prompt's fuzzy match on a sentence
    // ("I lost my letter, can I *order* a new one?") loses to what the sentence asks.
    const typed = (step.context.activity.text ?? '').trim().toLocaleLowerCase();
    const exactChoice =
      typeof result === 'object' && (typed === result.value.toLocaleLowerCase() || /^\d+$/.test(typed));
    // A tapped fallback button stands for the topic it offered, not for the menu item at its position.
    if (exactChoice && offered) intent = offered[result.index] ?? intent;
    // A message in a language the bot does not speak is never routed on a guess.
    const foreign =
      !exactChoice && typeof result !== 'string' && foreignLanguage(step.context.activity.text ?? '');
    const route: Route | undefined = foreign
      ? undefined
      : typeof result === 'string'
        ? result
        : exactChoice
          ? offered
            ? routeForIntent(intent)
            : MENU[result.index]
          : (routeForText(step.context) ?? (result ? MENU[result.index] : undefined));
    const memory = conversationMemory(step.context);
    if (route === undefined) {
      // Not understood: never a guess. Two fallbacks in a row offer a person.
      memory.fallbacks = nextFallbackCount(memory.fallbacks, false);
      const offer = handoffAction({ kind: 'fallbacks', inARow: memory.fallbacks }).action !== 'none';
      const kind: FallbackKind = foreign ? 'language' : offer ? 'human' : 'topics';
      return step.replaceDialog(WATERFALL, { fallback: kind } satisfies MainOptions);
    }
    memory.fallbacks = nextFallbackCount(memory.fallbacks, true);
    switch (route) {
      case 'order':
        // Typed text may already hold the number ("14838510036" at the menu); a tapped button never does.
        return step.beginDialog(ORDER_DIALOG, { useTurnText: !exactChoice } satisfies NationalIdOptions);
      case 'letter':
        if (!exactChoice && answeredByMemory(step.context, intent) && isQuestionIntent(intent)) {
          // Asked right after ordering here: the answer is this conversation's own dates.
          await answerQuestion(step.context, intent);
          return step.next();
        }
        rememberFlow(step.context, 'letter');
        return step.beginDialog(LETTER_QUESTIONS_DIALOG, {
          topic: isLetterTopic(intent) && !exactChoice ? intent : undefined,
        } satisfies LetterQuestionsOptions);
      case 'app':
        rememberFlow(step.context, 'app');
        return step.beginDialog(APP_GUIDE_DIALOG);
      case 'age': {
        // Only the year-shaped parts go into dialog state, never the whole message: it may hold an ID number.
        const years = (step.context.activity.text ?? '').match(/(?<!\d)(?:19|20)\d{2}(?!\d)/g) ?? [];
        return step.beginDialog(AGE_DIALOG, { text: years.join(' ') } satisfies AgeOptions);
      }
      case 'human': {
        // The menu button or a command phrase is consent and queues; a guessed ask is offered first.
        const explicit = exactChoice || turnUnderstanding(step.context).command === true;
        if (handoffAction({ kind: 'asked', explicit }).action === 'queue') {
          if (await requestHandoff(step.context, 'asked')) {
            (step.values as MenuValues).handedOff = true;
            return Dialog.EndOfTurn;
          }
        } else if ((await offerHandoff(step.context, 'asked')) !== 'unavailable') {
          return step.next();
        }
        await sayHumanHelp(step.context);
        return step.next();
      }
      case 'answer':
        if (isQuestionIntent(intent)) await answerQuestion(step.context, intent);
        return step.next();
      case 'greeting':
        return step.replaceDialog(WATERFALL, {} satisfies MainOptions);
      case 'thanks':
        await say(step.context, 'menu.thanks');
        return step.next();
      case 'goodbye':
        // A goodbye ends the conversation's flow; writing again starts at the menu.
        await answerQuestion(step.context, 'goodbye');
        return step.endDialog();
      case 'timing':
        await answerQuestion(step.context, 'letter-delivery-time');
        return step.next();
      default:
        return step.next();
    }
  }

  private async loopStep(step: WaterfallStepContext): Promise<DialogTurnResult> {
    if ((step.values as MenuValues).handedOff) {
      // Back from a person: this message is read as at the menu, not swallowed.
      return step.replaceDialog(WATERFALL, { useTurnText: true } satisfies MainOptions);
    }
    return step.replaceDialog(WATERFALL, { again: true } satisfies MainOptions);
  }
}
