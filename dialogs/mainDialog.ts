import {
  WaterfallDialog,
  type DialogContext,
  type DialogTurnResult,
  type FoundChoice,
  type PromptValidatorContext,
  type WaterfallStepContext,
} from 'botbuilder-dialogs';
import { promptOptions, say } from '../src/bot/text';
import { turnUnderstanding } from '../src/bot/turn';
import { AGE_DIALOG, AgeDialog, type AgeOptions } from './ageDialog';
import { answerQuestion, isQuestionIntent, sayHumanHelp } from './answers';
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
}

/** What a free-text intent at the top level leads to. */
type Route = MenuItem | 'age' | 'answer' | 'greeting' | 'thanks';

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

  private async menuStep(step: WaterfallStepContext<MainOptions>): Promise<DialogTurnResult> {
    const options = step.options ?? {};
    if (options.useTurnText) {
      const route = routeForIntent(turnUnderstanding(step.context).intent);
      if (route && route !== 'greeting') return step.next(route);
    }
    return step.prompt(
      MENU_PROMPT,
      promptOptions(step.context, {
        prompt: [[options.again ? 'menu.again' : 'menu.ask']],
        retry: [['menu.retry']],
        choices: MENU.map((item) => ({ key: `menu.items.${item}` })),
      }),
    );
  }

  /** A menu answer is a choice (tapped, typed or its number) or free text the recogniser can route. */
  private async validateMenu(pc: PromptValidatorContext<FoundChoice>): Promise<boolean> {
    return pc.recognized.succeeded || routeForIntent(turnUnderstanding(pc.context).intent) !== undefined;
  }

  private async routeStep(step: WaterfallStepContext): Promise<DialogTurnResult> {
    const result = step.result as FoundChoice | Route | undefined;
    const intent = turnUnderstanding(step.context).intent;
    const route: Route | undefined =
      typeof result === 'string' ? result : result ? MENU[result.index] : routeForIntent(intent);
    switch (route) {
      case 'order':
        return step.beginDialog(ORDER_DIALOG);
      case 'letter':
        return step.beginDialog(LETTER_QUESTIONS_DIALOG, {
          topic: isLetterTopic(intent) && typeof result !== 'object' ? intent : undefined,
        } satisfies LetterQuestionsOptions);
      case 'app':
        return step.beginDialog(APP_GUIDE_DIALOG);
      case 'age': {
        // Only the year-shaped parts go into dialog state, never the whole message: it may hold an ID number.
        const years = (step.context.activity.text ?? '').match(/(?<!\d)(?:19|20)\d{2}(?!\d)/g) ?? [];
        return step.beginDialog(AGE_DIALOG, { text: years.join(' ') } satisfies AgeOptions);
      }
      case 'human':
        await sayHumanHelp(step.context);
        return step.next();
      case 'answer':
        if (isQuestionIntent(intent)) await answerQuestion(step.context, intent);
        return step.next();
      case 'greeting':
        return step.replaceDialog(WATERFALL, {} satisfies MainOptions);
      case 'thanks':
        await say(step.context, 'menu.thanks');
        return step.next();
      default:
        return step.next();
    }
  }

  private async loopStep(step: WaterfallStepContext): Promise<DialogTurnResult> {
    return step.replaceDialog(WATERFALL, { again: true } satisfies MainOptions);
  }
}
