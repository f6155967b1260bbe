import { randomBytes } from 'node:crypto';
import { buildApp } from '../../src/index';
import { loadConfig } from '../../src/config';
import { close, listen } from '../../src/server';
import { ExpiringMemoryStorage } from '../../src/storage/memoryStorage';
import { runConversations } from './load';
import { orderFlow, type Scenario } from './scenarios';

/**
 * Memory per conversation, measured in this process (no hook in the product): the bot is built by its own
 * composition root with the same in-memory storage it uses by default (passed in, so its entries can be
 * counted), driven over loopback HTTP, and the heap compared after full collections (node --expose-gc).
 */

export interface MemoryResult {
  conversations: number;
  /** heapUsed growth per `conversations` idle conversations (one turn each), in bytes. */
  heapBytes: number;
  /** Whether the heap was read after a full GC (node --expose-gc); without it the figure is rough. */
  gc: boolean;
  /** Mean stored state per conversation after its first turn (welcome, menu shown), in bytes. */
  stateBytesIdle: number;
  /** Mean stored state per conversation after a whole order flow (at the menu again), in bytes. */
  stateBytesAtRest: number;
}

const welcomeOnly: Scenario = {
  name: 'welcome',
  async run(io) {
    await io.turn('hei');
  },
};

const collect = async (): Promise<boolean> => {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (!gc) return false;
  for (let i = 0; i < 3; i += 1) {
    gc();
    await new Promise((r) => setImmediate(r));
  }
  return true;
};

/** Stored bytes per state entry (the JSON the store keeps), by key. */
function entrySizes(storage: ExpiringMemoryStorage): Map<string, number> {
  const sizes = new Map<string, number>();
  for (const line of storage.dump().split('\n')) {
    const space = line.indexOf(' ');
    if (space > 0) sizes.set(line.slice(0, space), Buffer.byteLength(line.slice(space + 1)));
  }
  return sizes;
}

function meanOfNew(before: Map<string, number>, after: Map<string, number>): number {
  const fresh = [...after].filter(([k]) => !before.has(k)).map(([, v]) => v);
  return fresh.length ? fresh.reduce((a, b) => a + b, 0) / fresh.length : NaN;
}

export async function measureMemory(conversations: number, orderFlows = 20): Promise<MemoryResult> {
  const secret = randomBytes(32).toString('hex');
  const storage = new ExpiringMemoryStorage({ secret, ttlMs: 30 * 60_000, sweepIntervalMs: 0 });
  const app = await buildApp(
    // One loopback address posts every conversation: the per-client code limit is off, as in bench.ts.
    loadConfig({
      FIXED_NOW: '2026-11-24T12:00:00+01:00',
      LOG_LEVEL: 'silent',
      PRIVACY_SECRET: secret,
      LIMIT_CLIENT_ADDRESS: 'false',
    }),
    { storage },
  );
  const port = await listen(app.server, 0, '127.0.0.1');
  try {
    // Warm-up: every lazy path (JIT, caches, connection pool) is taken before the first reading.
    await runConversations(orderFlow, port, Math.min(10, orderFlows), 5, 'mem-warm', 4_000_000);
    await runConversations(welcomeOnly, port, Math.min(200, conversations), 20, 'mem-warm-idle');

    let sizes = entrySizes(storage);
    const gc = await collect();
    const heap0 = process.memoryUsage().heapUsed;
    await runConversations(welcomeOnly, port, conversations, 20, 'mem-idle');
    await collect();
    const heap1 = process.memoryUsage().heapUsed;
    const afterIdle = entrySizes(storage);
    const stateBytesIdle = meanOfNew(sizes, afterIdle);

    sizes = afterIdle;
    await runConversations(orderFlow, port, orderFlows, 5, 'mem-order', 4_100_000);
    const stateBytesAtRest = meanOfNew(sizes, entrySizes(storage));
    return { conversations, heapBytes: heap1 - heap0, gc, stateBytesIdle, stateBytesAtRest };
  } finally {
    await close(app.server);
    await app.close();
    storage.close();
  }
}
