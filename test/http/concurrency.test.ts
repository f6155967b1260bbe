/**
 * Ordinary delivery (replies POSTed to the channel's serviceUrl, as Web Chat and Teams do) lets turns of
 * one conversation overlap. The probe saw each overwrite the other's state: 300 codes posted at once gave
 * 299 "2 tries left" and one "code is right", and two quick messages got contradictory answers every
 * time. These tests post the same loads against the real server and a stub channel on loopback.
 */
import { buildApp, type App } from '../../src/index';
import { loadConfig } from '../../src/config';
import { close, listen } from '../../src/server';
import { LIMIT_POLICY } from '../../src/rules';
import { REFERENCE_NOW } from '../support/harness';
import { personId } from '../transcripts/format';
import {
  conversationId,
  localeText,
  postToChannel,
  repliesTo,
  startConnectorStub,
  type ConnectorStub,
} from './support';

const PHONE = '+4741234567';

let app: App;
let base: string;
let channel: ConnectorStub;

beforeAll(async () => {
  channel = await startConnectorStub();
  app = await buildApp(
    loadConfig({
      FIXED_NOW: REFERENCE_NOW,
      LOG_LEVEL: 'silent',
      PRIVACY_SECRET: 'concurrency-secret-0123456789',
    }),
  );
  base = `http://127.0.0.1:${await listen(app.server, 0, '127.0.0.1')}`;
});

afterAll(async () => {
  await close(app.server);
  await channel.close();
});

/** Posts one message with ordinary delivery; resolves with its id once the server has answered 200. */
async function post(conversation: string, text: string, locale = 'nb-NO'): Promise<string> {
  return postToChannel(base, channel, conversation, { text, locale });
}

function postsOf(conversation: string) {
  return channel.posts.filter((p) => p.conversationId === conversation);
}

describe('one turn at a time per conversation', () => {
  it('100 pairs of simultaneous messages: each answered once, the answers not interleaved, no state lost', async () => {
    const english = localeText('en', 'language.switched');
    const nynorsk = localeText('nn', 'language.switched');
    const chooseIn = { en: localeText('en', 'language.choose'), nn: localeText('nn', 'language.choose') };
    const conversations = Array.from({ length: 100 }, () => conversationId('pair'));
    await Promise.all(conversations.map((c) => post(c, 'hei')));
    const pairs = await Promise.all(
      conversations.map(async (c) => {
        const [toEnglish, toNynorsk] = await Promise.all([post(c, 'English please'), post(c, 'på nynorsk')]);
        return { c, toEnglish, toNynorsk };
      }),
    );
    for (const { c, toEnglish, toNynorsk } of pairs) {
      expect(repliesTo(channel, toEnglish).join(' ')).toContain(english);
      expect(repliesTo(channel, toNynorsk).join(' ')).toContain(nynorsk);
      // The replies of one turn all come before those of the other: the turns did not overlap.
      const order = postsOf(c)
        .map((p) => p.activityId)
        .filter((id) => id === toEnglish || id === toNynorsk);
      const firstOther = order.findIndex((id) => id !== order[0]);
      expect(order.slice(firstOther).every((id) => id !== order[0])).toBe(true);
      // The language the last turn set is the one the conversation keeps: its save was not overwritten.
      const last = order.at(-1) === toEnglish ? 'en' : 'nn';
      const next = await post(c, 'språk');
      expect(repliesTo(channel, next).join(' ')).toContain(chooseIn[last]);
    }
  });

  it('300 codes posted at once: at most 3 are counted, the attempt stays locked, the flood is cut off', async () => {
    const c = conversationId('race');
    await post(c, 'hei');
    await post(c, '1');
    await post(c, personId('adult-plain'));
    await post(c, '412 34 567');
    const outbox = await app.sms.messagesTo(PHONE);
    const right = /(?<!\d)(\d{6})(?!\d)/.exec(outbox.at(-1)?.text ?? '')?.[1];
    if (!right) throw new Error('no code in the sandbox outbox');
    const wrong = (i: number) => String((Number(right) + 1 + i) % 1_000_000).padStart(6, '0');
    const codes = Array.from({ length: 300 }, (_, i) => (i === 150 ? right : wrong(i)));
    const ids = await Promise.all(codes.map((code) => post(c, code)));

    const answers = ids.map((id) => repliesTo(channel, id).join(' '));
    // The conversation may send LIMIT_POLICY.messagesPerConversation messages a minute (4 went to the
    // set-up): those are answered, the rest refused before any turn ran, and the flood told so once.
    const notices = answers.filter((a) => a.includes(localeText('nb', 'limits.messagesPerConversation')));
    expect(notices).toHaveLength(1);
    const read = LIMIT_POLICY.messagesPerConversation.max - 4;
    expect(ids.filter((id) => repliesTo(channel, id).length > 0)).toHaveLength(read + 1);
    const prefix = (key: string) => localeText('nb', key).split('{{')[0];
    const wrongAnswers = answers.filter((a) => a.includes(prefix('code.wrong_other')));
    const locked = answers.filter((a) => a.includes(prefix('code.locked')));
    const verified = answers.filter((a) => a.includes(localeText('nb', 'code.verified')));
    // Three tries in all: "2 left", "1 left", then the lock (or the right code among the first three).
    expect(wrongAnswers.length + verified.length).toBeLessThanOrEqual(3);
    expect(verified.length + locked.length).toBe(1);
    expect(wrongAnswers.length).toBeLessThanOrEqual(2);
  }, 60_000);
});
