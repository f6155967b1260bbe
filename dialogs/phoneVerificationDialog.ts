import {
  TextPrompt,
  WaterfallDialog,
  type DialogTurnResult,
  type PromptValidatorContext,
  type WaterfallStepContext,
} from 'botbuilder-dialogs';
import type { TurnContext } from 'botbuilder';
import { composed, message, promptOptions, say, tr, type TextParams } from '../src/bot/text';
import { turnClient, turnSession } from '../src/bot/turn';
import { noteFailure } from '../src/handoff/summary';
import { retryPart, type CodeRequester, type LimitRefusal } from '../src/limits';
import { CODE_POLICY, INPUT_POLICY } from '../src/rules';
import type { CodeChallenge } from '../src/verification/codes';
import { maskPhone, parseMobileNumber } from '../src/verification/phone';
import { codeText, hasPhoneCandidate, numberText, saysNoCode } from '../src/understanding/entities';
import { answerQuestion, helpFromPerson, ruleParams, sayLimit } from './answers';
import type { DialogDeps } from './dialogDeps';
import { InterruptibleDialog } from './interruptibleDialog';

export const PHONE_VERIFICATION_DIALOG = 'phoneVerificationDialog';
const PHONE_WATERFALL = 'phoneWaterfall';
const CODE_LOOP = 'codeLoop';
const PHONE_PROMPT = 'phonePrompt';
const CODE_PROMPT = 'codePrompt';

export type PhoneVerificationResult =
  | { verified: true; phone: string }
  | { verified: false; reason: 'too-many-tries' | 'locked' | 'resend-limit' | 'limit' };

/** What the caller may pass when it begins the dialog. */
export interface PhoneVerificationOptions {
  /**
   * The pseudonym (AbuseLimits.ref('id', …)) of the ID number the code is to verify: wrong codes then
   * count against that number too, and a locked number gets no code, whichever phone asks.
   */
  nationalIdRef?: string;
}

/** State of the code loop: small and serialisable; the code itself is never kept, only its hash. */
interface CodeLoopOptions {
  to: string;
  challenge: CodeChallenge;
  nationalIdRef?: string;
  retry?: { key: string; params?: TextParams };
}

// "send again", "ny kode", "send ein ny kode", "resend", "new code": a request for a fresh code.
const RESEND =
  /\b(send\w*|ny|nytt|new|another|resend|igjen|again|på nytt|på ny)\b.*\b(kode|koden|code|sms)\b|\b(resend|send (igjen|på nytt|på ny|again)|ny kode|new code)\b/i;

export function isResendRequest(text: string): boolean {
  return RESEND.test(text);
}

/**
 * Verifies the user's mobile number with a one-time SMS code: ask the number (Norwegian mobile by default,
 * +country code accepted), send the code, then loop on the code until it is right, the attempt is locked
 * after three wrong codes, or the user gives up. "Send again" resends within the limits of CODE_POLICY.
 */
export class PhoneVerificationDialog extends InterruptibleDialog {
  constructor(deps: DialogDeps) {
    super(PHONE_VERIFICATION_DIALOG, deps);
    this.addDialog(new TextPrompt(PHONE_PROMPT, (pc) => this.validatePhone(pc)));
    // "mobilen min er 412 34 567" is the answer, not a question.
    this.recognisesAnswer(PHONE_PROMPT, hasPhoneCandidate);
    this.addDialog(new TextPrompt(CODE_PROMPT));
    // At the code step, "send again" and digits without words ("12ab", a typo) are answers, never questions.
    this.recognisesAnswer(
      CODE_PROMPT,
      (text) =>
        isResendRequest(text) ||
        saysNoCode(text) ||
        codeText(text, CODE_POLICY.length) !== text ||
        (/\d/.test(text) && !/\p{L}{3,}/u.test(text)),
    );
    this.addDialog(
      new WaterfallDialog(PHONE_WATERFALL, [this.askPhoneStep.bind(this), this.sendCodeStep.bind(this)]),
    );
    this.addDialog(
      new WaterfallDialog(CODE_LOOP, [this.askCodeStep.bind(this), this.checkCodeStep.bind(this)]),
    );
    this.initialDialogId = PHONE_WATERFALL;
  }

  private async askPhoneStep(step: WaterfallStepContext): Promise<DialogTurnResult> {
    return step.prompt(PHONE_PROMPT, promptOptions(step.context, { prompt: [['phone.ask']] }));
  }

  private async validatePhone(pc: PromptValidatorContext<string>): Promise<boolean> {
    const parsed = parseMobileNumber(numberText(pc.recognized.value ?? ''));
    // Each refused number is noted by its reason (never the number) for an agent's summary.
    const session = turnSession(pc.context);
    if (!parsed.ok && session) noteFailure(session, `mobile.${parsed.reason}`);
    if (parsed.ok || pc.attemptCount >= INPUT_POLICY.maxTries) return true;
    pc.options.retryPrompt = message(pc.context, `phone.invalid.${parsed.reason}`);
    return false;
  }

  private async sendCodeStep(
    step: WaterfallStepContext<PhoneVerificationOptions>,
  ): Promise<DialogTurnResult> {
    const parsed = parseMobileNumber(numberText(String(step.result ?? '')));
    if (!parsed.ok) {
      this.deps.metrics?.funnel(step.context, 'too-many-tries');
      await say(step.context, 'phone.tooManyTries');
      await helpFromPerson(step.context, { kind: 'failed-tries', tries: INPUT_POLICY.maxTries });
      return step.endDialog({ verified: false, reason: 'too-many-tries' } satisfies PhoneVerificationResult);
    }
    const nationalIdRef = step.options?.nationalIdRef;
    // Limits that outlive this attempt: codes per phone, conversation and client, wrong-code locks.
    const refused = await this.deps.limits.beforeCodeSend(
      this.requester(step.context, parsed.e164, nationalIdRef),
    );
    if (refused) return this.refuse(step, refused);
    const { code, challenge } = this.deps.codes.issue();
    await this.sendCode(step, parsed.e164, code);
    this.deps.metrics?.funnel(step.context, 'code-sent');
    await say(step.context, 'code.sent', {
      phone: maskPhone(parsed.e164),
      minutes: CODE_POLICY.validMinutes,
    });
    const options: CodeLoopOptions = { to: parsed.e164, challenge, nationalIdRef };
    return step.beginDialog(CODE_LOOP, options);
  }

  /** Who asks for a code, as the limits know them: pseudonyms only. */
  private requester(context: TurnContext, to: string, nationalIdRef?: string): CodeRequester {
    const { limits } = this.deps;
    const a = context.activity;
    return {
      phone: limits.ref('phone', to),
      nationalId: nationalIdRef,
      conversation: limits.conversationRef(a.channelId, a.conversation?.id),
      client: turnClient(context),
    };
  }

  /** A limit said no: say which and when to try again, offer a person, and end the verification. */
  private async refuse(step: WaterfallStepContext, refusal: LimitRefusal): Promise<DialogTurnResult> {
    await sayLimit(step.context, refusal);
    const reason = refusal.limit.startsWith('wrong-codes') ? 'locked' : 'limit';
    return step.endDialog({ verified: false, reason } satisfies PhoneVerificationResult);
  }

  private async sendCode(step: WaterfallStepContext, to: string, code: string): Promise<void> {
    await this.deps.sms.send(to, tr(step.context, 'sms.code', { code, minutes: CODE_POLICY.validMinutes }));
  }

  private async askCodeStep(step: WaterfallStepContext<CodeLoopOptions>): Promise<DialogTurnResult> {
    const retry = step.options.retry;
    const ask = ['code.ask', { length: CODE_POLICY.length }] as const;
    return step.prompt(
      CODE_PROMPT,
      promptOptions(step.context, { prompt: retry ? [[retry.key, retry.params], ask] : [ask] }),
    );
  }

  private async checkCodeStep(step: WaterfallStepContext<CodeLoopOptions>): Promise<DialogTurnResult> {
    const typed = String(step.result ?? '');
    const { to, nationalIdRef } = step.options;
    if (isResendRequest(typed)) return this.resend(step);
    if (saysNoCode(typed)) {
      // "jeg har ikke fått koden": the no-SMS help (send again, support), and the same code stays valid.
      await answerQuestion(step.context, 'no-sms');
      // After a resend has not arrived either, a person is offered (the no-SMS answer already names support).
      await helpFromPerson(
        step.context,
        { kind: 'no-sms', resends: step.options.challenge.resends, resendsLeft: true },
        { failure: 'verification.no-sms', contactWithoutHub: false },
      );
      return step.replaceDialog(CODE_LOOP, {
        to,
        challenge: step.options.challenge,
        nationalIdRef,
      } satisfies CodeLoopOptions);
    }
    const who = { phone: this.deps.limits.ref('phone', to), nationalId: nationalIdRef };
    // Locked by wrong codes elsewhere (another attempt, conversation or instance): even the right code
    // is refused until the lock's window has passed.
    const lock = await this.deps.limits.verificationLock(who);
    if (lock) return this.refuse(step, lock);
    // "koden er 569233": the code inside the sentence is what is checked.
    const input = codeText(typed, CODE_POLICY.length);
    const verdict = this.deps.codes.verify(step.options.challenge, input);
    const again = (key: string, params?: TextParams) =>
      step.replaceDialog(CODE_LOOP, {
        to,
        challenge: verdict.challenge,
        nationalIdRef,
        retry: { key, params },
      } satisfies CodeLoopOptions);
    if (verdict.result === 'wrong') {
      const locked = await this.deps.limits.wrongCode(who);
      if (verdict.triesLeft === 0) return this.locked(step, locked);
      if (locked) return this.refuse(step, locked);
    }
    switch (verdict.result) {
      case 'ok':
        this.deps.metrics?.funnel(step.context, 'code-verified');
        await say(step.context, 'code.verified');
        return step.endDialog({ verified: true, phone: to } satisfies PhoneVerificationResult);
      case 'malformed':
        return again('code.malformed', { length: CODE_POLICY.length });
      case 'expired':
        return again('code.expired', { minutes: CODE_POLICY.validMinutes });
      case 'wrong':
        return again('code.wrong', { count: verdict.triesLeft });
      case 'locked':
        return this.locked(step);
    }
  }

  private async resend(step: WaterfallStepContext<CodeLoopOptions>): Promise<DialogTurnResult> {
    const { to, challenge, nationalIdRef } = step.options;
    const result = this.deps.codes.resend(challenge);
    if (result.ok) {
      // A resend is a code sent like any other: it counts, and is refused, in the same windows.
      const refused = await this.deps.limits.beforeCodeSend(this.requester(step.context, to, nationalIdRef));
      if (refused) return this.refuse(step, refused);
      await this.sendCode(step, to, result.code);
      return step.replaceDialog(CODE_LOOP, {
        to,
        challenge: result.challenge,
        nationalIdRef,
        retry: { key: 'code.resent', params: { phone: maskPhone(to) } },
      } satisfies CodeLoopOptions);
    }
    if (result.reason === 'too-soon') {
      return step.replaceDialog(CODE_LOOP, {
        to,
        challenge,
        nationalIdRef,
        retry: { key: 'code.resendTooSoon', params: { count: result.retryInSeconds } },
      } satisfies CodeLoopOptions);
    }
    this.deps.metrics?.funnel(step.context, 'resend-limit');
    await say(step.context, 'code.resendLimit', ruleParams());
    await helpFromPerson(
      step.context,
      { kind: 'no-sms', resends: challenge.resends, resendsLeft: false },
      { failure: 'verification.resend-limit' },
    );
    return step.endDialog({ verified: false, reason: 'resend-limit' } satisfies PhoneVerificationResult);
  }

  /** This attempt is over; `lock`, when the shared wrong-code lock is on too, tells when to try again. */
  private async locked(
    step: WaterfallStepContext<CodeLoopOptions>,
    lock?: LimitRefusal,
  ): Promise<DialogTurnResult> {
    this.deps.metrics?.funnel(step.context, 'locked');
    const tries = { tries: CODE_POLICY.maxWrongTries };
    await step.context.sendActivity(
      composed(
        step.context,
        lock ? [['code.lockedUntil', tries], retryPart(lock)] : [['code.locked', tries]],
      ),
    );
    await helpFromPerson(
      step.context,
      { kind: 'failed-tries', tries: CODE_POLICY.maxWrongTries },
      { failure: 'verification.locked' },
    );
    return step.endDialog({ verified: false, reason: 'locked' } satisfies PhoneVerificationResult);
  }
}
