/**
 * Privacy of what the bot leaves in Redis: every committed transcript is replayed with STORAGE=redis (the
 * conversation state, turn locks, sandbox register orders and SMS outbox all in a real Redis), and then
 * every key and every value the run left under its prefix is searched for the sandbox population's ID
 * numbers, the test mobile and every code that was sent or typed. Every key must also carry a TTL, and
 * conversation state one no longer than the idle timeout, so nothing personal outlives it.
 *
 * The one deliberate exception is the sandbox SMS outbox: it stands in for the user's phone, so its
 * messages hold the codes (never an ID number or a phone number). It exists only with the sandbox
 * backend, under its own key namespace, and is checked for that.
 */
import type Redis from 'ioredis';
import { loadConfig } from '../../src/config';
import { listTranscriptFiles, readTranscript, TEST_PHONE } from '../transcripts/format';
import { runConversation } from '../transcripts/runner';
import { codeSecrets, codesIn, findSecrets, seededSecrets } from '../transcripts/secrets';
import { REDIS_URL, requireRedis, type TestRedis } from '../support/redis';

const OUTBOX = 'sandbox:sms:outbox';
const IDLE_TIMEOUT_MINUTES = loadConfig({}).IDLE_TIMEOUT_MINUTES;

/** A key's whole content as text, whatever its Redis type. */
async function dump(redis: Redis, key: string): Promise<string> {
  const type = await redis.type(key);
  switch (type) {
    case 'string':
      return (await redis.get(key)) ?? '';
    case 'list':
      return (await redis.lrange(key, 0, -1)).join('\n');
    case 'set':
      return (await redis.smembers(key)).join('\n');
    case 'zset':
      return (await redis.zrange(key, '0', '-1', 'WITHSCORES')).join('\n');
    case 'hash':
      return JSON.stringify(await redis.hgetall(key));
    default:
      return `<${type}>`;
  }
}

let test: TestRedis;
beforeAll(async () => {
  test = await requireRedis('p');
});
afterAll(async () => {
  await test?.cleanup();
});

const files = listTranscriptFiles();

describe.each(files.map((f, i) => [f.rel, f.path, i] as const))('replaying %s on Redis', (_rel, path, i) => {
  it('leaves no ID, phone or code in any Redis key or value, and every key expires', async () => {
    const t = readTranscript(path);
    // REDIS_KEY_PREFIX is at most 64 characters: the file's index, not its name.
    const prefix = `${test.prefix}${i}:`;
    const run = await runConversation(
      { locale: t.locale, channelId: t.channelId, now: t.now, turns: t.turns },
      { env: { STORAGE: 'redis', REDIS_URL, REDIS_KEY_PREFIX: prefix } },
    );
    try {
      const sms = (await run.bot.built.sms.messagesTo(TEST_PHONE.e164)).map((m) => m.text);
      const codes = codeSecrets([...codesIn(sms), ...run.typedCodes]);
      const personal = seededSecrets();

      const keys = (await test.keys()).filter((k) => k.startsWith(prefix));
      // The run really went through Redis: its conversation state is there.
      expect(keys.some((k) => k.includes('state'))).toBe(true);

      const findings: string[] = [];
      for (const key of keys) {
        for (const label of findSecrets(key, [...personal, ...codes])) findings.push(`key ${key}: ${label}`);
        const value = await dump(test.redis, key);
        const inOutbox = key.includes(OUTBOX);
        const secrets = inOutbox ? personal : [...personal, ...codes];
        for (const label of findSecrets(value, secrets)) findings.push(`value of ${key}: ${label}`);

        const ttl = await test.redis.pttl(key);
        if (ttl < 0) findings.push(`key ${key} never expires`);
        if (key.includes('state') && ttl > IDLE_TIMEOUT_MINUTES * 60_000) {
          findings.push(`conversation state ${key} outlives the idle timeout`);
        }
      }
      expect(findings).toEqual([]);
    } finally {
      await run.bot.built.close();
    }
  });
});
