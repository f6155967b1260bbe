/**
 * Two bot processes on one Redis behave as one: a conversation alternates between them turn by turn and
 * completes (the code sent by one is read from the other's sandbox outbox, the order recorded by one is
 * seen by the other), and when one is killed with SIGKILL mid-conversation the other finishes it.
 */
import { REDIS_URL, requireRedis, type TestRedis } from '../support/redis';
import { REFERENCE_NOW } from '../support/harness';
import { personId } from '../transcripts/format';
import { boundPort, killStarted, startProcess, type Started } from './processes';
import { localeText, sayTexts } from './support';

const PHONE = '+4741234567';

interface Instance {
  proc: Started;
  base: string;
}

let instances: Instance[] = [];
let testRedis: TestRedis;

beforeAll(async () => {
  // Fails with a clear message when no Redis is reachable; its prefix keeps this run's keys apart.
  testRedis = await requireRedis('scaleout');
  const env = {
    STORAGE: 'redis',
    REDIS_URL,
    REDIS_KEY_PREFIX: testRedis.prefix,
    PORT: '0',
    LOG_LEVEL: 'info',
    FIXED_NOW: REFERENCE_NOW,
    PRIVACY_SECRET: 'scaleout-shared-secret-0123456789',
  };
  const procs = [startProcess(env), startProcess(env)];
  instances = await Promise.all(
    procs.map(async (proc) => ({ proc, base: `http://127.0.0.1:${(await boundPort(proc)).port}` })),
  );
}, 60_000);

afterAll(async () => {
  killStarted();
  await testRedis?.cleanup();
});

/** One message over HTTP with expectReplies; resolves with the texts of the replies. */
function say(instance: Instance, conversation: string, text: string): Promise<string> {
  return sayTexts(instance.base, conversation, text);
}

async function lastCode(instance: Instance): Promise<string> {
  const res = await fetch(`${instance.base}/sandbox/sms?to=${encodeURIComponent(PHONE)}`);
  expect(res.status).toBe(200);
  const outbox = (await res.json()) as Array<{ text: string }>;
  const code = /(?<!\d)(\d{6})(?!\d)/.exec(outbox.at(-1)?.text ?? '')?.[1];
  if (!code) throw new Error('no code in the sandbox outbox');
  return code;
}

describe('two instances on one Redis', () => {
  it('a conversation alternating between the instances turn by turn completes its order', async () => {
    const [a, b] = instances;
    const c = 'alternating-1';
    expect(await say(a, c, 'hei')).toContain(localeText('nb', 'welcome.greeting'));
    expect(await say(b, c, '1')).toContain('fødselsnummeret eller D-nummeret');
    expect(await say(a, c, personId('adult-postal'))).toContain('slutter på 90');
    expect(await say(b, c, '412 34 567')).toContain('+47 ••••••67');
    // Sent by b; read from a's outbox.
    const outcome = await say(a, c, await lastCode(a));
    expect(outcome).toContain('Aktiveringsbrevet ditt er bestilt!');
    // The order recorded through a is known to b in a new conversation.
    const again = 'alternating-2';
    await say(b, again, 'hei');
    await say(b, again, '1');
    await say(b, again, personId('adult-postal'));
    await say(b, again, '412 34 567');
    expect(await say(b, again, await lastCode(b))).toContain('Du bestilte allerede et brev');
  }, 60_000);

  it('one instance killed with SIGKILL mid-conversation: the other finishes it, nothing lost', async () => {
    const [a, b] = instances;
    const c = 'killed-1';
    await say(a, c, 'hei');
    await say(b, c, '1');
    expect(await say(b, c, personId('adult-care-of'))).toContain('slutter på 24');
    b.proc.child.kill('SIGKILL');
    await b.proc.exited;
    expect(await say(a, c, '412 34 567')).toContain('+47 ••••••67');
    expect(await say(a, c, await lastCode(a))).toContain('Aktiveringsbrevet ditt er bestilt!');
  }, 60_000);
});
