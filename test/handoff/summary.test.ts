/**
 * The redacted summary: built from whatever conversation state holds, it never carries a national ID
 * number, a phone number or a one-time code, whether the state is hand-seeded with them everywhere or is
 * the real state of a bot driven to the code step.
 */
import type { DialogState } from 'botbuilder-dialogs';
import { buildHandoffSummary, noteFailure, noteOutcome } from '../../src/handoff/summary';
import { redactText } from '../../src/privacy/redact';
import type { SessionState } from '../../src/bot/session';
import { lastCode, startTestBot } from '../support/harness';
import { MOBILE, PEOPLE, wrongCode } from '../dialogs/support';

const ID = '15108695088';
const PHONE = '+4741234567';
const CODE = '482913';
const NOW = new Date('2026-11-24T12:00:00+01:00');

/** Every form of the seeded values a leak could take. */
function assertNoPersonalData(summary: unknown, values: string[]): void {
  const json = JSON.stringify(summary);
  for (const v of values) {
    const digits = v.replace(/\D/g, '');
    expect(json).not.toContain(v);
    expect(json.replace(/\D/g, ' ')).not.toMatch(new RegExp(`(?<!\\d)${digits.slice(-8)}(?!\\d)`));
    // No run of more than two digits from the values at all, and nothing the redactor would catch.
    expect(json).not.toMatch(/\d{3,}/);
  }
  expect(redactText(json)).toBe(json);
}

function seededStack(): DialogState {
  // The shapes botbuilder keeps: component dialogs nest their own stack under state.dialogs, and every
  // stack lists the active dialog last.
  const codeLoop = {
    id: 'codeLoop',
    state: {
      options: {
        to: PHONE,
        challenge: { hash: 'ab'.repeat(32), wrongTries: 2, expiresAt: '2026-11-24T10:55:00Z' },
        retry: { key: 'code.wrong', params: { code: CODE } },
      },
      values: { lastTyped: CODE },
      stepIndex: 0,
    },
  };
  const codePrompt = {
    id: 'codePrompt',
    state: {
      options: { prompt: { text: `Koden ble sendt til ${PHONE} for ${ID}` } },
      state: { attemptCount: 2, lastValue: CODE },
    },
  };
  const phone = {
    id: 'phoneVerificationDialog',
    state: { dialogs: { dialogStack: [codeLoop, codePrompt] } },
  };
  const orderWaterfall = {
    id: 'orderWaterfall',
    state: { values: { nationalId: ID, phone: PHONE }, stepIndex: 1 },
  };
  const order = { id: 'orderDialog', state: { dialogs: { dialogStack: [orderWaterfall, phone] } } };
  const mainWaterfall = {
    id: 'mainWaterfall',
    state: { options: {}, values: { text: `mitt nummer er ${ID}` }, stepIndex: 1 },
  };
  return {
    dialogStack: [{ id: 'mainDialog', state: { dialogs: { dialogStack: [mainWaterfall, order] } } }],
  } as unknown as DialogState;
}

describe('buildHandoffSummary', () => {
  it('tells flow, step, tries, wrong codes, expiry, failures, outcome and two digits, and nothing personal', () => {
    const session: SessionState = { lang: 'nn', welcomed: true, lastSeenAt: '2026-11-24T10:59:00Z' };
    noteFailure(session, 'nationalId.checksum');
    noteFailure(session, 'nationalId.checksum');
    noteFailure(session, 'nationalId.checksum');
    noteFailure(session, ID); // a tag that is not an identifier is ignored
    noteOutcome(session, 'no-address', ID);
    // A corrupted or hostile state: personal data where only tags, enums and digits may be.
    (session.notes as Record<string, unknown>).failures = {
      ...session.notes?.failures,
      [PHONE]: 1,
      [`code ${CODE}`]: 2,
    };
    const summary = buildHandoffSummary({
      session,
      dialogState: seededStack(),
      channel: 'webchat',
      now: NOW,
    });
    expect(summary).toEqual({
      language: 'nn',
      channel: 'webchat',
      reason: 'asked',
      flow: 'orderDialog',
      path: ['mainDialog', 'orderDialog', 'phoneVerificationDialog', 'codePrompt'],
      step: 'codePrompt',
      triesAtStep: 2,
      wrongCodes: 2,
      codeExpired: true,
      failures: { 'nationalId.checksum': 3 },
      outcome: 'no-address',
      numberEndsWith: '88',
    });
    assertNoPersonalData(summary, [ID, PHONE, CODE]);
  });

  it('refuses odd shapes: a channel id holding a number, ids with spaces, a notes outcome outside the enum', () => {
    const session = {
      lang: 'xx',
      notes: { outcome: `ordered for ${ID}`, numberEndsWith: '5088' },
    } as unknown as SessionState;
    const dialogState = {
      dialogStack: [{ id: `dialog for ${PHONE}`, state: { state: { attemptCount: 1e9 } } }],
    } as unknown as DialogState;
    const summary = buildHandoffSummary({ session, dialogState, channel: `sms:${PHONE}`, now: NOW });
    expect(summary).toEqual({ language: 'nb', channel: 'other', reason: 'asked', path: [], failures: {} });
    assertNoPersonalData(summary, [ID, PHONE]);
  });

  it('from the real state of a bot at the code step after two wrong codes', async () => {
    const bot = await startTestBot();
    const say = async (text: string) => {
      await bot.adapter.receiveActivity(text);
      while (bot.adapter.getNextReply());
    };
    await say('jeg vil bestille aktiveringsbrev');
    await say(PEOPLE.adultPlain);
    await say(MOBILE.typed);
    const code = await lastCode(bot, MOBILE.e164);
    await say(wrongCode(code));
    await say(wrongCode(code));
    const stored = Object.values(bot.memory).find((v) => v?.includes('dialogState'));
    if (!stored) throw new Error('no conversation state stored');
    const state = JSON.parse(stored) as { session: SessionState; dialogState: DialogState };
    // The state itself does hold the number and the phone (in the order's waterfall values): the summary must not.
    expect(stored).toContain(MOBILE.e164);
    const summary = buildHandoffSummary({
      session: state.session,
      dialogState: state.dialogState,
      channel: 'test',
      now: bot.clock.now(),
    });
    expect(summary).toMatchObject({
      language: 'nb',
      channel: 'test',
      flow: 'orderDialog',
      step: 'codePrompt',
      wrongCodes: 2,
      numberEndsWith: PEOPLE.adultPlain.slice(-2),
    });
    assertNoPersonalData(summary, [PEOPLE.adultPlain, MOBILE.e164, MOBILE.typed, code]);
    await bot.built.close();
  });
});
