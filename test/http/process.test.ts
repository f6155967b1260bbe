import { boundPort, killStarted, startProcess } from './processes';

/**
 * The real process, started the way an operator starts it (only transpiled on the fly instead of built):
 * configuration errors end it with exit code 1 and a message naming the variable, a good start logs the
 * bound port, serves HTTP, and SIGTERM/SIGINT end it cleanly with exit code 0.
 */

const START_TIMEOUT_MS = 40_000;

function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms: ${what}`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

// Only ever the processes this file started, by their own handle.
afterAll(() => killStarted());

const CONFIG_KEYS = [
  'PORT',
  'LOG_LEVEL',
  'FIXED_NOW',
  'DEFAULT_LOCALE',
  'PRIVACY_SECRET',
  'IDLE_TIMEOUT_MINUTES',
];

// Each process costs seconds of CPU (ts-node, botbuilder, NLP training), so the cases share processes and
// run side by side.
describe('configuration errors end the process with exit code 1 and name the variable', () => {
  it.concurrent.each([
    [{ PORT: 'abc' }, []],
    // Several bad values at once: each is named; a secret's value is never echoed.
    [{ LOG_LEVEL: 'loud', FIXED_NOW: 'yesterday', PRIVACY_SECRET: 'short-secret' }, ['short-secret']],
  ] as Array<[Record<string, string>, string[]]>)(
    '%j',
    async (env, notShown) => {
      const started = startProcess(env);
      const { code } = await withTimeout(started.exited, START_TIMEOUT_MS - 2_000, 'exit on bad config');
      expect(code).toBe(1);
      const stderr = started.stderr();
      for (const key of CONFIG_KEYS) {
        if (key in env) expect(stderr).toMatch(new RegExp(`\\b${key}\\b`));
        else expect(stderr).not.toMatch(new RegExp(`\\b${key}\\b`));
      }
      for (const secret of notShown) expect(stderr).not.toContain(secret);
      expect(stderr).not.toMatch(/\n\s+at /);
      expect(started.stdout()).not.toContain('listening');
    },
    START_TIMEOUT_MS,
  );
});

describe('a good start', () => {
  it.concurrent(
    'logs the bound port, serves /healthz and /readyz, and exits 0 on SIGTERM',
    async () => {
      const started = startProcess({ PORT: '0', LOG_LEVEL: 'info', FIXED_NOW: '2026-11-24T12:00:00+01:00' });
      const { port, line } = await boundPort(started);
      expect(port).toBeGreaterThan(0);
      expect(line).toMatchObject({
        level: 'info',
        port,
        backend: 'sandbox',
        fixedNow: '2026-11-24T12:00:00+01:00',
      });

      const health = await fetch(`http://127.0.0.1:${port}/healthz`);
      expect(health.status).toBe(200);
      expect(await health.json()).toEqual({ status: 'ok' });
      const ready = await fetch(`http://127.0.0.1:${port}/readyz`);
      expect(ready.status).toBe(200);
      expect(await ready.json()).toEqual({ status: 'ready' });

      const signalledAt = Date.now();
      started.child.kill('SIGTERM');
      const { code } = await withTimeout(started.exited, 8_000, 'exit after SIGTERM');
      expect(code).toBe(0);
      expect(Date.now() - signalledAt).toBeLessThan(6_000);

      // Every stdout line is one JSON log record, the last two saying why it stopped and that it did.
      const records = started
        .stdout()
        .split('\n')
        .filter(Boolean)
        .map((l) => JSON.parse(l) as Record<string, unknown>);
      expect(records.at(-2)).toMatchObject({ msg: 'shutting down', signal: 'SIGTERM' });
      expect(records.at(-1)).toMatchObject({ msg: 'stopped', signal: 'SIGTERM', unfinished: 0 });
      expect(started.stderr()).not.toMatch(/error|\n\s+at /i);
    },
    START_TIMEOUT_MS,
  );
});
