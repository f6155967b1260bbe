/**
 * The `protocol` hub (HANDOFF_HUB=protocol) on the real bot (composition root, TestAdapter, fake clock):
 * handoff.initiate carries the redacted summary and a redacted transcript of the conversation; the
 * contact centre's handoff.status events are answered in the user's language: `accepted` (a person has
 * it, the bot goes silent), `completed` (welcome back, the waiting question again, the order can be
 * finished), `failed` (told, with phone and e-mail, and the bot goes on). Unknown or malformed status
 * events and events for a conversation that is not handed off change nothing and never crash.
 */
import type { Activity } from 'botbuilder';
import { SUPPORT } from '../../src/rules';
import { parseHandoffStatus } from '../../src/handoff/protocolHub';
import { startTestBot, type TestBot } from '../support/harness';
import { personId } from '../transcripts/format';

const PHONE_TYPED = '412 34 567';
const CONTACT = { phone: SUPPORT.phone, phoneAbroad: SUPPORT.phoneFromAbroad, email: SUPPORT.email };

interface Session {
  bot: TestBot;
  say(text: string): Promise<Partial<Activity>[]>;
  status(value: unknown): Promise<Partial<Activity>[]>;
  t(key: string, params?: Record<string, unknown>): string;
  code(): Promise<string>;
}

async function start(lang: 'nb' | 'nn' | 'en' = 'nb'): Promise<Session> {
  const bot = await startTestBot({
    locale: { nb: 'nb-NO', nn: 'nn-NO', en: 'en-US' }[lang],
    env: { HANDOFF_HUB: 'protocol' },
  });
  const errors: unknown[] = [];
  const handler = bot.adapter.onTurnError;
  bot.adapter.onTurnError = async (context, error) => {
    errors.push(error);
    await handler?.(context, error);
  };
  const drain = () => {
    expect(errors).toEqual([]);
    return bot.adapter.activeQueue.splice(0) as Partial<Activity>[];
  };
  return {
    bot,
    async say(text) {
      await bot.adapter.processActivity(bot.adapter.makeActivity(text));
      return drain();
    },
    async status(value) {
      await bot.adapter.processActivity({ type: 'event', name: 'handoff.status', value });
      return drain();
    },
    t: (key, params = {}) => bot.built.i18n.getFixedT(lang)(key, params),
    async code() {
      const sms = (await bot.built.sms.messagesTo('+4741234567')).at(-1);
      const code = sms ? /(?<!\d)(\d{6})(?!\d)/.exec(sms.text)?.[1] : undefined;
      if (!code) throw new Error('no code sent');
      return code;
    },
  };
}

const texts = (activities: Partial<Activity>[]) =>
  activities.filter((a) => a.type === 'message').map((a) => a.text ?? '');

/** Number, phone, a wrong code: the user is at the code prompt with personal data typed in all three. */
async function toCodePrompt(s: Session): Promise<{ secrets: string[] }> {
  const id = personId('adult-plain');
  await s.say(`fødselsnummeret mitt er ${id}`);
  await s.say(PHONE_TYPED);
  const code = await s.code();
  const wrong = code.replace(/\d/g, (d) => String((Number(d) + 1) % 10));
  await s.say(wrong);
  return { secrets: [id, '41234567', PHONE_TYPED, code, wrong] };
}

async function handOff(s: Session): Promise<Partial<Activity>> {
  const sent = await s.say('snakke med et menneske');
  const initiate = sent.find((a) => a.type === 'event' && a.name === 'handoff.initiate');
  expect(initiate).toBeDefined();
  expect(texts(sent)).toEqual([s.t('handoffFlow.protocol.requested')]);
  return initiate!;
}

describe('protocol hub: handoff.initiate', () => {
  it('carries a redacted summary and a redacted transcript, and no personal data at all', async () => {
    const s = await start();
    const { secrets } = await toCodePrompt(s);
    const initiate = await handOff(s);
    const json = JSON.stringify(initiate);
    for (const secret of secrets) expect(json).not.toContain(secret);

    expect(initiate.value).toMatchObject({
      language: 'nb',
      reason: 'asked',
      flow: 'orderDialog',
      step: 'codePrompt',
      wrongCodes: 1,
      numberEndsWith: personId('adult-plain').slice(-2),
    });
    const attachment = initiate.attachments?.[0];
    expect(attachment?.contentType).toBe('application/json');
    const activities = (attachment?.content as { activities: Partial<Activity>[] }).activities;
    // Both sides of the conversation, oldest first, with the typed data replaced.
    expect(activities.length).toBeGreaterThan(5);
    expect(activities.length).toBeLessThanOrEqual(20);
    expect(activities[0]).toMatchObject({
      from: { role: 'user' },
      text: 'fødselsnummeret mitt er [redacted]',
    });
    expect(activities.some((a) => a.from?.role === 'bot' && a.text === s.t('phone.ask'))).toBe(true);
    expect(activities.at(-1)).toMatchObject({ from: { role: 'user' }, text: 'snakke med et menneske' });
    expect(initiate.relatesTo?.user?.id).toBeTruthy();
    expect(initiate.relatesTo?.user?.name).toBe('');
  });

  it('keeps about the last 20 messages only', async () => {
    const s = await start();
    for (let i = 0; i < 15; i += 1) await s.say('hva koster det?');
    const initiate = await handOff(s);
    const activities = (initiate.attachments?.[0]?.content as { activities: unknown[] }).activities;
    expect(activities).toHaveLength(20);
  });
});

describe('protocol hub: handoff.status', () => {
  it('accepted: the user is told and the bot is silent; completed: welcome back and the order is finished', async () => {
    const s = await start();
    await toCodePrompt(s);
    await handOff(s);
    expect(texts(await s.status({ state: 'accepted' }))).toEqual([s.t('handoffFlow.protocol.accepted')]);
    expect(await s.say('hei, jeg får ikke koden til å virke')).toEqual([]);
    expect(await s.say('avbryt')).toEqual([]);

    const back = texts(await s.status({ state: 'completed', message: 'done' }));
    expect(back[0]).toBe(s.t('handoff.ended'));
    // The waiting question, asked again: the user is where they were.
    expect(back.at(-1)).toContain(s.t('code.ask', { length: 6 }));
    const done = texts(await s.say(await s.code()));
    expect(done).toContain(s.t('code.verified'));
    expect(done.join('\n')).toContain(s.t('order.offerAppGuide'));

    const metrics = (await s.bot.built.metrics.render()).body;
    for (const outcome of ['requested', 'accepted', 'completed']) {
      expect(metrics).toContain(`minid_handoffs_total{outcome="${outcome}"} 1`);
    }
  });

  it('failed: the user is told, given the phone and e-mail, and the bot goes on', async () => {
    const s = await start('en');
    await s.say(personId('adult-plain'));
    await s.say('talk to a person');
    const failed = texts(await s.status({ state: 'failed', message: 'no agents' }));
    expect(failed[0]).toBe(`${s.t('handoffFlow.protocol.failed')} ${s.t('human.contact', CONTACT)}`);
    expect(failed.at(-1)).toBe(s.t('phone.ask'));
    // Back with the bot: the phone is taken as the answer it is.
    const next = texts(await s.say(PHONE_TYPED));
    expect(next.join('\n')).toContain(s.t('code.ask', { length: 6 }));
    // A late accepted for the failed handoff changes nothing.
    expect(await s.status({ state: 'accepted' })).toEqual([]);
  });

  it('unknown, malformed or out-of-place status events are ignored without a reply or an error', async () => {
    const s = await start();
    // Not handed off: nothing happens.
    expect(await s.status({ state: 'accepted' })).toEqual([]);
    expect(await s.status({ state: 'completed' })).toEqual([]);
    await s.say(personId('adult-plain'));
    await handOff(s);
    for (const value of [
      undefined,
      null,
      'garbage',
      '{"state":',
      42,
      [],
      { state: 'exploded' },
      { state: 5 },
      { state: 'accepted', message: 'x'.repeat(5000) },
      { nested: { state: 'accepted' } },
    ]) {
      expect(await s.status(value)).toEqual([]);
    }
    // Still waiting for the platform: the user's messages get no answer from the bot.
    expect(await s.say('hallo?')).toEqual([]);
    // A JSON string value is read like an object.
    expect(texts(await s.status('{"state":"accepted"}'))).toEqual([s.t('handoffFlow.protocol.accepted')]);
    // A second accepted is a repeat, not news.
    expect(await s.status({ state: 'accepted' })).toEqual([]);
  });

  it('parses only the three states of the protocol', () => {
    expect(parseHandoffStatus({ state: 'accepted' })).toBe('accepted');
    expect(parseHandoffStatus({ state: 'completed', message: 'ok' })).toBe('completed');
    expect(parseHandoffStatus('{"state":"failed"}')).toBe('failed');
    expect(parseHandoffStatus({ state: 'typing' })).toBeUndefined();
    expect(parseHandoffStatus('not json')).toBeUndefined();
    expect(parseHandoffStatus(undefined)).toBeUndefined();
  });
});
