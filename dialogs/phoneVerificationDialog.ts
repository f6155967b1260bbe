import {
  TextPrompt,
  WaterfallDialog,
  type DialogTurnResult,
  type PromptValidatorContext,
  type WaterfallStepContext,
} from 'botbuilder-dialogs';
import { message, promptOptions, say, tr, type TextParams } from '../src/bot/text';
import { CODE_POLICY, INPUT_POLICY } from '../src/rules';
import type { CodeChallenge } from '../src/verification/codes';
import { maskPhone, parseMobileNumber } from '../src/verification/phone';
import { codeText, hasPhoneCandidate, numberText, saysNoCode } from '../src/understanding/entities';
import { answerQuestion, ruleParams, sayHumanHelp } from './answers';
import type { DialogDeps } from './dialogDeps';
import { InterruptibleDialog } from './interruptibleDialog';

export const PHONE_VERIFICATION_DIALOG = 'phoneVerificationDialog';
const PHONE_WATERFALL = 'phoneWaterfall';
const CODE_LOOP = 'codeLoop';
const PHONE_PROMPT = 'phonePrompt';
const CODE_PROMPT = 'codePrompt';

export type PhoneVerificationResult =
  | { verified: true; phone: string }
  | { verified: false; reason: 'too-many-tries' | 'locked' | 'resend-limit' };

/** State of the code loop: small and serialisable; the code itself is never kept, only its hash. */
interface CodeLoopOptions {
  to: string;
  challenge: CodeChallenge;
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
    if (parsed.ok || pc.attemptCount >= INPUT_POLICY.maxTries) return true;
    pc.options.retryPrompt = message(pc.context, `phone.invalid.${parsed.reason}`);
    return false;
  }

  private async sendCodeStep(step: WaterfallStepContext): Promise<DialogTurnResult> {
    const parsed = parseMobileNumber(numberText(String(step.result ?? '')));
    if (!parsed.ok) {
      await say(step.context, 'phone.tooManyTries');
      await sayHumanHelp(step.context);
      return step.endDialog({ verified: false, reason: 'too-many-tries' } satisfies PhoneVerificationResult);
    }
    const { code, challenge } = this.deps.codes.issue();
    await this.sendCode(step, parsed.e164, code);
    await say(step.context, 'code.sent', {
      phone: maskPhone(parsed.e164),
      minutes: CODE_POLICY.validMinutes,
    });
    const options: CodeLoopOptions = { to: parsed.e164, challenge };
    return step.beginDialog(CODE_LOOP, options);
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
    const { to } = step.options;
    if (isResendRequest(typed)) return this.resend(step);
    if (saysNoCode(typed)) {
      // "jeg har ikke fått koden": the no-SMS help (send again, support), and the same code stays valid.
      await answerQuestion(step.context, 'no-sms');
      return step.replaceDialog(CODE_LOOP, {
        to,
        challenge: step.options.challenge,
      } satisfies CodeLoopOptions);
    }
    // "koden er 569233": the code inside the sentence is what is checked.
    const input = codeText(typed, CODE_POLICY.length);
    const verdict = this.deps.codes.verify(step.options.challenge, input);
    const again = (key: string, params?: TextParams) =>
      step.replaceDialog(CODE_LOOP, {
        to,
        challenge: verdict.challenge,
        retry: { key, params },
      } satisfies CodeLoopOptions);
    switch (verdict.result) {
      case 'ok':
        await say(step.context, 'code.verified');
        return step.endDialog({ verified: true, phone: to } satisfies PhoneVerificationResult);
      case 'malformed':
        return again('code.malformed', { length: CODE_POLICY.length });
      case 'expired':
        return again('code.expired', { minutes: CODE_POLICY.validMinutes });
      case 'wrong':
        if (verdict.triesLeft > 0) return again('code.wrong', { count: verdict.triesLeft });
        return this.locked(step);
      case 'locked':
        return this.locked(step);
    }
  }

  private async resend(step: WaterfallStepContext<CodeLoopOptions>): Promise<DialogTurnResult> {
    const { to, challenge } = step.options;
    const result = this.deps.codes.resend(challenge);
    if (result.ok) {
      await this.sendCode(step, to, result.code);
      return step.replaceDialog(CODE_LOOP, {
        to,
        challenge: result.challenge,
        retry: { key: 'code.resent', params: { phone: maskPhone(to) } },
      } satisfies CodeLoopOptions);
    }
    if (result.reason === 'too-soon') {
      return step.replaceDialog(CODE_LOOP, {
        to,
        challenge,
        retry: { key: 'code.resendTooSoon', params: { count: result.retryInSeconds } },
      } satisfies CodeLoopOptions);
    }
    await say(step.context, 'code.resendLimit', ruleParams());
    await sayHumanHelp(step.context);
    return step.endDialog({ verified: false, reason: 'resend-limit' } satisfies PhoneVerificationResult);
  }

  private async locked(step: WaterfallStepContext<CodeLoopOptions>): Promise<DialogTurnResult> {
    await say(step.context, 'code.locked', { tries: CODE_POLICY.maxWrongTries });
    await sayHumanHelp(step.context);
    return step.endDialog({ verified: false, reason: 'locked' } satisfies PhoneVerificationResult);
  }
}
