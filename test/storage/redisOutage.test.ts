import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { createRedisConnection, RedisSharedStore } from '../../src/storage/redisShared';
import { RedisStorage } from '../../src/storage/redisStorage';
import { StoreUnavailableError } from '../../src/storage/shared';
import { requireRedis, sleep } from '../support/redis';

/**
 * What a turn sees when Redis goes away and comes back: fast StoreUnavailableErrors, never a hang, and
 * recovery without a restart. Runs its own redis-server on a free port, so it can stop and start it.
 */
async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (!address || typeof address === 'string') throw new Error('no port');
  return address.port;
}

async function startRedis(port: number): Promise<ChildProcess> {
  const child = spawn(
    'redis-server',
    ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'],
    {
      stdio: 'ignore',
    },
  );
  const failed = new Promise<never>((_, reject) => {
    child.once('error', () =>
      reject(
        new Error(
          'These tests need redis-server on PATH: .ci/run installs it (apt-get install redis-server)',
        ),
      ),
    );
  });
  const probe = createRedisConnection(`redis://127.0.0.1:${port}`);
  try {
    const deadline = Date.now() + 5000;
    for (;;) {
      try {
        await Promise.race([probe.ping(), failed]);
        return child;
      } catch (err) {
        if (Date.now() > deadline) throw err;
        await sleep(50);
      }
    }
  } finally {
    probe.disconnect();
  }
}

async function stopRedis(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGKILL');
  await exited;
}

let child: ChildProcess | undefined;

beforeAll(async () => {
  // The same loud failure as every Redis test when no Redis is installed at all.
  await (await requireRedis('outage')).cleanup();
});

afterEach(async () => {
  if (child) await stopRedis(child);
  child = undefined;
});

it('fails fast with StoreUnavailableError while Redis is down, and recovers on its own', async () => {
  const port = await freePort();
  child = await startRedis(port);
  const redis = createRedisConnection(`redis://127.0.0.1:${port}`);
  const shared = new RedisSharedStore({ redis, keyPrefix: 'outage:' });
  const storage = new RedisStorage({
    redis,
    keyPrefix: 'outage:',
    secret: 'outage-secret-0123456789',
    ttlMs: 60_000,
  });
  try {
    await shared.ping();
    await storage.write({ 'test/conversations/c1/': { n: 1 } });

    await stopRedis(child);
    const started = Date.now();
    await expect(shared.ping()).rejects.toBeInstanceOf(StoreUnavailableError);
    await expect(shared.hit('w', 1000, 5, 1000)).rejects.toBeInstanceOf(StoreUnavailableError);
    await expect(storage.read(['test/conversations/c1/'])).rejects.toBeInstanceOf(StoreUnavailableError);
    await expect(storage.write({ 'test/conversations/c1/': { n: 2 } })).rejects.toBeInstanceOf(
      StoreUnavailableError,
    );
    expect(Date.now() - started).toBeLessThan(3000);

    child = await startRedis(port);
    const deadline = Date.now() + 8000;
    for (;;) {
      try {
        await shared.ping();
        break;
      } catch (err) {
        if (Date.now() > deadline) throw err;
        await sleep(100);
      }
    }
    await storage.write({ 'test/conversations/c1/': { n: 3 } });
    expect((await storage.read(['test/conversations/c1/']))['test/conversations/c1/'].n).toBe(3);
  } finally {
    await shared.close();
  }
});

it('a store whose Redis was never there fails within the connect timeout', async () => {
  const port = await freePort();
  const shared = new RedisSharedStore({
    redis: createRedisConnection(`redis://127.0.0.1:${port}`),
    keyPrefix: 'x:',
  });
  const started = Date.now();
  try {
    await expect(shared.ping()).rejects.toBeInstanceOf(StoreUnavailableError);
    expect(Date.now() - started).toBeLessThan(3000);
  } finally {
    await shared.close();
  }
});
