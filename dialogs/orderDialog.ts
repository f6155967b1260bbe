import { WaterfallDialog, type DialogTurnResult, type WaterfallStepContext } from 'botbuilder-dialogs';
import { composed, promptOptions, say } from '../src/bot/text';
import { decideOrder, letterStatus, localDate, type OrderDecision } from '../src/rules';
import { rememberOrder } from '../src/bot/memory';
import { turnSession } from '../src/bot/turn';
import { noteOutcome } from '../src/handoff/summary';
import { helpFromPerson, ruleParams, sayHumanHelp, sayLimit } from './answers';
import { APP_GUIDE_DIALOG, AppGuideDialog } from './appGuideDialog';
import type { DialogDeps } from './dialogDeps';
import { InterruptibleDialog } from './interruptibleDialog';
import {
  NATIONAL_ID_DIALOG,
  NationalIdDialog,
  type NationalIdOptions,
  type NationalIdResult,
} from './nationalIdDialog';
import {
  PHONE_VERIFICATION_DIALOG,
  PhoneVerificationDialog,
  type PhoneVerificationOptions,
  type PhoneVerificationResult,
} from './phoneVerificationDialog';
import { ChannelConfirmPrompt, type PromptDefaults } from './prompts';

export const ORDER_DIALOG = 'orderDialog';
const WATERFALL = 'orderWaterfall';
const APP_GUIDE_CONFIRM = 'appGuideConfirm';

/** Waterfall values: the number lives here only while the flow runs; ending or cancelling drops it. */
interface OrderValues {
  nationalId?: string;
}

/**
 * Step 1, ordering the activation letter: number, then phone and SMS code, and only after the code the
 * register lookup and the rules module's decision, so typing someone else's number reveals nothing.
 */
export class OrderDialog extends InterruptibleDialog {
  constructor(deps: DialogDeps, prompts: PromptDefaults) {
    super(ORDER_DIALOG, deps);
    this.addDialog(new NationalIdDialog(deps));
    this.addDialog(new PhoneVerificationDialog(deps));
    this.addDialog(new AppGuideDialog(deps, prompts));
    this.addDialog(new ChannelConfirmPrompt(APP_GUIDE_CONFIRM, undefined, 'nb-no', prompts.confirm));
    this.addDialog(
      new WaterfallDialog(WATERFALL, [
        this.nationalIdStep.bind(this),
        this.phoneStep.bind(this),
        this.decideStep.bind(this),
        this.appGuideStep.bind(this),
        this.finalStep.bind(this),
      ]),
    );
    this.initialDialogId = WATERFALL;
  }

  private async nationalIdStep(step: WaterfallStepContext<NationalIdOptions>): Promise<DialogTurnResult> {
    this.deps.metrics?.funnel(step.context, 'started');
    await say(step.context, 'order.intro');
    return step.beginDialog(NATIONAL_ID_DIALOG, {
      useTurnText: step.options?.useTurnText,
    } satisfies NationalIdOptions);
  }

  private async phoneStep(step: WaterfallStepContext): Promise<DialogTurnResult> {
    const result = step.result as NationalIdResult | undefined;
    if (!result?.ok) return step.endDialog();
    (step.values as OrderValues).nationalId = result.nationalId;
    // Wrong codes count against the number itself, whichever phone or conversation types them.
    const options: PhoneVerificationOptions = {
      nationalIdRef: this.deps.limits.ref('id', result.nationalId),
    };
    return step.beginDialog(PHONE_VERIFICATION_DIALOG, options);
  }

  private async decideStep(step: WaterfallStepContext): Promise<DialogTurnResult> {
    const values = step.values as OrderValues;
    const nationalId = values.nationalId;
    // The number has done its job once we get here, whatever the outcome.
    delete values.nationalId;
    const verified = step.result as PhoneVerificationResult | undefined;
    if (!verified?.verified || !nationalId) return step.endDialog();

    // One verified phone may look up only a few people: owning a phone must not open the register.
    // Refused before the lookup, with the same answer whoever the number belongs to.
    const { limits } = this.deps;
    const refused = await limits.beforeLookup({
      phone: limits.ref('phone', verified.phone),
      nationalId: limits.ref('id', nationalId),
    });
    if (refused) {
      await sayLimit(step.context, refused);
      return step.endDialog();
    }
    const person = await this.deps.minid.findPerson(nationalId);
    if (!person) {
      this.deps.metrics?.funnel(step.context, 'not-found');
      await say(step.context, 'order.notFound', ruleParams());
      await sayHumanHelp(step.context);
      return step.endDialog();
    }
    const now = this.deps.clock().toISOString();
    const decision = decideOrder(person, now);
    if (decision.outcome === 'can-order') {
      await this.deps.minid.recordOrder(nationalId, now);
    }
    this.deps.metrics?.funnel(step.context, decision.outcome === 'can-order' ? 'ordered' : decision.outcome);
    rememberOrder(step.context, decision, localDate(now));
    const session = turnSession(step.context);
    if (session) noteOutcome(session, decision.outcome, nationalId);
    await this.tellOutcome(step, decision);
    if (decision.outcome !== 'can-order') return step.endDialog();
    return step.prompt(
      APP_GUIDE_CONFIRM,
      promptOptions(step.context, { prompt: [['order.offerAppGuide']], retry: [['prompts.yesNoRetry']] }),
    );
  }

  private async tellOutcome(step: WaterfallStepContext, decision: OrderDecision): Promise<void> {
    const ctx = step.context;
    const params = ruleParams();
    switch (decision.outcome) {
      case 'can-order': {
        const parts: Array<[string, Record<string, string | number>]> = [
          [
            'outcome.can-order',
            { ...params, deliveryBy: decision.deliveryBy, validUntil: decision.validUntil },
          ],
          [`order.address.${decision.address}`, params],
        ];
        if (decision.careOf) parts.push(['order.careOf', params]);
        parts.push(['order.noNotice', params]);
        await ctx.sendActivity(composed(ctx, parts));
        return;
      }
      case 'too-young':
        await say(ctx, 'outcome.too-young', { ...params, orderableFrom: decision.orderableFrom });
        return;
      case 'has-minid':
        await say(ctx, 'outcome.has-minid', params);
        return;
      case 'active-order': {
        // Said on a day after the expected delivery, "expect it around <past date>" would read wrong.
        const { phase } = letterStatus(decision.orderedOn, localDate(this.deps.clock().toISOString()));
        await say(ctx, phase === 'overdue' ? 'outcome.active-order-overdue' : 'outcome.active-order', {
          ...params,
          orderedOn: decision.orderedOn,
          deliveryBy: decision.deliveryBy,
          validUntil: decision.validUntil,
          newOrderFrom: decision.newOrderFrom,
        });
        // A new letter within the 60 days is support's call: a person is offered (nothing more without a hub).
        await helpFromPerson(ctx, { kind: 'outcome', outcome: 'active-order' }, { contactWithoutHub: false });
        return;
      }
      case 'no-address':
        await say(ctx, 'outcome.no-address', params);
        await helpFromPerson(ctx, { kind: 'outcome', outcome: 'no-address' });
        return;
    }
  }

  private async appGuideStep(step: WaterfallStepContext): Promise<DialogTurnResult> {
    if (step.result === true) return step.beginDialog(APP_GUIDE_DIALOG);
    await say(step.context, 'order.appGuideLater');
    return step.endDialog();
  }

  private async finalStep(step: WaterfallStepContext): Promise<DialogTurnResult> {
    return step.endDialog();
  }
}
