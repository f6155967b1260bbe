import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import Redis from 'ioredis';
import { runLoad, median, type LoadResult } from './load';
import { measureMemory, type MemoryResult } from './memory';
import { coreCount, hasTaskset, pinProcess, startServer, type ServerChild } from './proc';
import { echoChat, orderFlow, questionMix, type Scenario } from './scenarios';

/**
 * `npm run bench`: the echo baseline, the MinID bot's order flow and question mix with memory state, the
 * order flow with Redis state and the turn lock on one and on two instances, then state size, idle heap
 * and start-up time, printed as one table with the targets. Servers run as child processes pinned
 * to one core, the load generator (this process) on another, so their CPU can be told apart.
 */

export interface BenchOptions {
  users: number;
  warmupMs: number;
  windowMs: number;
  reps: number;
  /** 'dist': the compiled server (npm run build), as in production; 'ts-node': from source (tests). */
  runtime: 'dist' | 'ts-node';
  /** Pin servers and load generator to separate cores (when taskset and ≥ 2 cores are there). */
  pin: boolean;
  /** Run the Redis rows (when Redis answers); the URL comes from REDIS_URL or the default. */
  redis: boolean;
  redisUrl: string;
  /** Which load rows to run (default all). */
  rows: RowId[];
  /** Idle conversations for the heap figure (0 = skip the memory measurements). */
  idleConversations: number;
  /** Start-to-ready measurements (0 = skip). */
  readyReps: number;
  /** Write a CPU profile of the MinID server during the memory order-flow row to this directory. */
  cpuProfDir?: string;
  /** Progress lines (stderr by default). */
  log: (line: string) => void;
}

export type RowId = 'baseline' | 'order' | 'questions' | 'redis1' | 'redis2';

export const DEFAULTS: BenchOptions = {
  users: 20,
  warmupMs: 3000,
  windowMs: 10_000,
  reps: 3,
  runtime: 'dist',
  pin: true,
  redis: true,
  redisUrl: process.env.REDIS_URL || 'redis://127.0.0.1:6379',
  rows: ['baseline', 'order', 'questions', 'redis1', 'redis2'],
  idleConversations: 10_000,
  readyReps: 3,
  log: (line) => process.stderr.write(`${line}\n`),
};

export interface Row {
  id: RowId;
  label: string;
  result?: LoadResult;
  /** Why the row has no figures (e.g. no Redis). */
  skipped?: string;
  /** The windows in which other processes used more than NOISY_CORES. */
  noisyWindows: number;
}

export interface Target {
  name: string;
  met: boolean | undefined;
  detail: string;
}

export interface BenchResult {
  options: Omit<BenchOptions, 'log'>;
  cores: number;
  pinned: boolean;
  rows: Row[];
  memory?: MemoryResult;
  /** Redis HSTRLEN of the state values after the Redis rows (mean bytes per conversation). */
  redisStateBytes?: number;
  readyMs?: { minid: number; echo: number; samples: number[] };
  targets: Target[];
}

/** Other processes using more than this many cores during a window make it noisy. */
export const NOISY_CORES = 0.25;

const ROOT = (() => {
  // scripts/bench (ts) or dist/scripts/bench (compiled): the repository root has package.json and src/.
  let dir = __dirname;
  for (let i = 0; i < 5; i += 1) {
    if (existsSync(join(dir, 'package.json')) && existsSync(join(dir, 'src'))) return dir;
    dir = join(dir, '..');
  }
  return process.cwd();
})();

const FIXED_NOW = '2026-11-24T12:00:00+01:00';

function serverCommand(options: BenchOptions, which: 'minid' | 'echo') {
  if (options.runtime === 'dist') {
    const script = which === 'minid' ? 'dist/src/index.js' : 'dist/scripts/bench/echo-bot.js';
    if (!existsSync(join(ROOT, script))) throw new Error(`${script} is missing: run npm run build first`);
    return { nodeArgs: [] as string[], script };
  }
  return {
    nodeArgs: ['-r', 'ts-node/register/transpile-only'],
    script: which === 'minid' ? 'src/index.ts' : 'scripts/bench/echo-bot.ts',
  };
}

async function redisReachable(url: string): Promise<Redis | undefined> {
  const redis = new Redis(url, {
    lazyConnect: true,
    connectTimeout: 1000,
    maxRetriesPerRequest: 0,
    enableOfflineQueue: false,
    retryStrategy: () => null,
  });
  redis.on('error', () => undefined);
  try {
    await redis.connect();
    await redis.ping();
    return redis;
  } catch {
    redis.disconnect();
    return undefined;
  }
}

/** Every key under a prefix (SCAN, never KEYS: the Redis is shared). */
async function keysUnder(redis: Redis, prefix: string): Promise<string[]> {
  const keys: string[] = [];
  let cursor = '0';
  do {
    const [next, batch] = await redis.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 1000);
    cursor = next;
    keys.push(...batch);
  } while (cursor !== '0');
  return keys;
}

export async function runBench(partial: Partial<BenchOptions> = {}): Promise<BenchResult> {
  const options: BenchOptions = { ...DEFAULTS, ...partial };
  const log = options.log;
  const pinned = options.pin && hasTaskset && coreCount >= 2;
  // Load generator on the last core, servers on core 0 (and core 1 for the second instance if it is free).
  const loadCore = coreCount - 1;
  if (pinned) pinProcess(process.pid, loadCore);
  const secondCore = pinned && coreCount >= 3 ? 1 : 0;
  const runId = `b${process.pid}${Date.now().toString(36)}`;
  const secret = randomBytes(32).toString('hex');
  const minidEnv = { FIXED_NOW, LOG_LEVEL: 'info', PRIVACY_SECRET: secret };
  const started: ServerChild[] = [];
  const start = async (
    name: string,
    which: 'minid' | 'echo',
    env: Record<string, string>,
    core = 0,
    extra: string[] = [],
  ) => {
    const cmd = serverCommand(options, which);
    const child = await startServer({
      name,
      nodeArgs: [...extra, ...cmd.nodeArgs],
      script: cmd.script,
      cwd: ROOT,
      env,
      core: pinned ? core : undefined,
      readyPath: '/readyz',
    });
    started.push(child);
    return child;
  };
  const stopAll = async () => {
    await Promise.all(started.splice(0).map((s) => s.stop()));
  };
  let conversationNo = 0;
  const load = async (scenario: Scenario, servers: ServerChild[]) => {
    const result = await runLoad({
      scenario,
      ports: servers.map((s) => s.port),
      serverPids: servers.map((s) => s.pid),
      users: options.users,
      warmupMs: options.warmupMs,
      windowMs: options.windowMs,
      reps: options.reps,
      runId,
      firstConversation: conversationNo,
    });
    conversationNo += result.conversations;
    return result;
  };
  const rows: Row[] = [];
  const addRow = (id: RowId, label: string, result?: LoadResult, skipped?: string) => {
    const noisyWindows = result ? result.windows.filter((w) => w.otherCores > NOISY_CORES).length : 0;
    rows.push({ id, label, result, skipped, noisyWindows });
    if (result) {
      const m = result.median;
      log(
        `  ${label}: ${m.turnsPerSec.toFixed(0)} turns/s, p99 ${m.p99.toFixed(1)} ms, ` +
          `${m.cpuMsPerTurn.toFixed(2)} CPU ms/turn, flows ${result.flowsCompleted} ok / ${result.flowsFailed} failed` +
          (result.firstError ? ` (first failure: ${result.firstError})` : ''),
      );
    } else log(`  ${label}: ${skipped}`);
  };
  const want = (id: RowId) => options.rows.includes(id);

  let redisStateBytes: number | undefined;
  let readyMs: BenchResult['readyMs'];
  let memory: MemoryResult | undefined;
  try {
    if (want('baseline')) {
      log('baseline: echo bot');
      const echo = await start('echo bot', 'echo', {});
      addRow('baseline', 'echo baseline', await load(echoChat, [echo]));
      await stopAll();
    }
    if (want('order') || want('questions')) {
      const prof = options.cpuProfDir ? ['--cpu-prof', `--cpu-prof-dir=${options.cpuProfDir}`] : [];
      if (want('order')) {
        log('MinID bot, memory state: order flow');
        const bot = await start('minid (memory)', 'minid', { ...minidEnv }, 0, prof);
        addRow('order', 'order flow, memory', await load(orderFlow, [bot]));
        await stopAll();
      }
      if (want('questions')) {
        log('MinID bot, memory state: questions');
        const bot = await start('minid (memory)', 'minid', { ...minidEnv });
        addRow('questions', 'questions, memory', await load(questionMix, [bot]));
        await stopAll();
      }
    }
    if (want('redis1') || want('redis2')) {
      const redis = options.redis ? await redisReachable(options.redisUrl) : undefined;
      const why = options.redis
        ? `no Redis answers at ${options.redisUrl.replace(/\/\/[^@]*@/, '//')}`
        : 'Redis rows off';
      if (!redis) {
        if (want('redis1')) addRow('redis1', 'order flow, Redis, 1 instance', undefined, why);
        if (want('redis2')) addRow('redis2', 'order flow, Redis, 2 instances', undefined, why);
      } else {
        const prefix = `bench:${runId}:`;
        const env = { ...minidEnv, STORAGE: 'redis', REDIS_URL: options.redisUrl, REDIS_KEY_PREFIX: prefix };
        try {
          if (want('redis1')) {
            log('MinID bot, Redis state + lock: one instance');
            const one = await start('minid (redis)', 'minid', env);
            addRow('redis1', 'order flow, Redis, 1 instance', await load(orderFlow, [one]));
            await stopAll();
          }
          if (want('redis2')) {
            log('MinID bot, Redis state + lock: two instances, round-robin per request');
            const a = await start('minid (redis) A', 'minid', env, 0);
            const b = await start('minid (redis) B', 'minid', env, secondCore);
            addRow('redis2', 'order flow, Redis, 2 instances', await load(orderFlow, [a, b]));
            await stopAll();
          }
          const stateKeys = (await keysUnder(redis, `${prefix}state:`)).slice(0, 2000);
          if (stateKeys.length) {
            const lengths = await Promise.all(stateKeys.map((k) => redis.hstrlen(k, 'd')));
            redisStateBytes = lengths.reduce((a, b) => a + b, 0) / lengths.length;
          }
        } finally {
          const keys = await keysUnder(redis, prefix);
          for (let i = 0; i < keys.length; i += 500) await redis.unlink(...keys.slice(i, i + 500));
          redis.disconnect();
        }
      }
    }
    if (options.readyReps > 0) {
      log('start to /readyz 200');
      const samples: number[] = [];
      const echoSamples: number[] = [];
      for (let i = 0; i < options.readyReps; i += 1) {
        samples.push((await start('minid (ready)', 'minid', { ...minidEnv })).readyMs);
        await stopAll();
        echoSamples.push((await start('echo (ready)', 'echo', {})).readyMs);
        await stopAll();
      }
      readyMs = { minid: median(samples), echo: median(echoSamples), samples };
      log(
        `  MinID ${readyMs.minid.toFixed(0)} ms (${samples.map((s) => s.toFixed(0)).join(', ')}), echo ${readyMs.echo.toFixed(0)} ms`,
      );
    }
    if (options.idleConversations > 0) {
      log(`memory: ${options.idleConversations} idle conversations in this process`);
      memory = await measureMemory(options.idleConversations);
    }
  } finally {
    await stopAll();
  }
  const result: BenchResult = {
    options: { ...options, log: undefined } as unknown as Omit<BenchOptions, 'log'>,
    cores: coreCount,
    pinned,
    rows,
    memory,
    redisStateBytes,
    readyMs,
    targets: [],
  };
  result.targets = targets(result, options);
  return result;
}

function targets(r: BenchResult, options: BenchOptions): Target[] {
  const row = (id: RowId) => r.rows.find((x) => x.id === id)?.result?.median;
  const base = row('baseline');
  const out: Target[] = [];
  const ratio = (a?: number, b?: number) => (a !== undefined && b ? a / b : NaN);
  const check = (
    name: string,
    value: number,
    ok: (v: number) => boolean,
    detail: string,
    why = 'not measured',
  ) =>
    out.push({
      name,
      met: Number.isFinite(value) ? ok(value) : undefined,
      detail: Number.isFinite(value) ? detail : why,
    });

  const order = ratio(row('order')?.turnsPerSec, base?.turnsPerSec);
  check('order flow ≥ 0.5× baseline turns/s (memory)', order, (v) => v >= 0.5, `${order.toFixed(2)}×`);
  const redis1 = ratio(row('redis1')?.turnsPerSec, base?.turnsPerSec);
  check(
    'order flow ≥ 0.35× baseline turns/s (Redis + lock)',
    redis1,
    (v) => v >= 0.35,
    `${redis1.toFixed(2)}×`,
    r.rows.find((x) => x.id === 'redis1')?.skipped ?? 'not measured',
  );
  const p99 = ratio(row('order')?.p99, base?.p99);
  check(
    `p99 ≤ 2× baseline p99 at 20 users (order flow, memory)`,
    p99,
    (v) => v <= 2,
    `${p99.toFixed(2)}× (${row('order')?.p99.toFixed(1)} vs ${base?.p99.toFixed(1)} ms)` +
      (options.users === 20 ? '' : ` — measured at ${options.users} users, not 20`),
  );
  const two = ratio(row('redis2')?.turnsPerSec, row('redis1')?.turnsPerSec);
  const twoMeasurable = r.pinned && r.cores >= 3;
  out.push({
    name: 'two instances ≥ 1.6× one instance (Redis)',
    met: Number.isFinite(two) && twoMeasurable ? two >= 1.6 : undefined,
    detail: !Number.isFinite(two)
      ? (r.rows.find((x) => x.id === 'redis2')?.skipped ?? 'not measured')
      : twoMeasurable
        ? `${two.toFixed(2)}×`
        : `${two.toFixed(2)}× — not measurable here: ${r.cores} cores, one is the load generator's, so both instances share one core`,
  });
  const atRest = Math.max(r.memory?.stateBytesAtRest ?? NaN, r.redisStateBytes ?? NaN);
  const stateBytes = Number.isFinite(atRest)
    ? atRest
    : (r.memory?.stateBytesAtRest ?? r.redisStateBytes ?? NaN);
  check('≤ 1 KB state per conversation at rest', stateBytes, (v) => v <= 1024, `${stateBytes.toFixed(0)} B`);
  check(
    'start to ready ≤ 1.0 s',
    r.readyMs?.minid ?? NaN,
    (v) => v <= 1000,
    `${r.readyMs?.minid.toFixed(0)} ms`,
  );
  return out;
}

const fmt = (v: number | undefined, digits = 0) =>
  v === undefined || !Number.isFinite(v) ? '—' : v.toFixed(digits);

/** The result as a plain-text table (what `npm run bench` prints). */
export function renderTable(r: BenchResult): string {
  const o = r.options;
  const base = r.rows.find((x) => x.id === 'baseline')?.result?.median;
  const lines: string[] = [];
  lines.push(
    `${o.users} users, warm-up ${o.warmupMs / 1000} s, ${o.reps} × ${o.windowMs / 1000} s windows (medians), ` +
      `${r.cores} cores, ${r.pinned ? 'servers pinned to core 0, load generator to the last core' : 'not pinned'}, runtime ${o.runtime}`,
  );
  const header = [
    'row',
    'turns/s',
    '× base',
    'p50 ms',
    'p95 ms',
    'p99 ms',
    'CPU ms/turn',
    '× base',
    'srv cores',
    'other cores',
    'noisy',
    'flows ok/failed',
  ];
  const table: string[][] = [header];
  for (const row of r.rows) {
    const m = row.result?.median;
    if (!m || !row.result) {
      table.push([row.label, `skipped: ${row.skipped ?? ''}`]);
      continue;
    }
    table.push([
      row.label,
      fmt(m.turnsPerSec),
      base ? fmt(m.turnsPerSec / base.turnsPerSec, 2) : '—',
      fmt(m.p50, 1),
      fmt(m.p95, 1),
      fmt(m.p99, 1),
      fmt(m.cpuMsPerTurn, 2),
      base ? fmt(m.cpuMsPerTurn / base.cpuMsPerTurn, 2) : '—',
      fmt(m.serverCores, 2),
      fmt(m.otherCores, 2),
      `${row.noisyWindows}/${row.result.windows.length}`,
      `${row.result.flowsCompleted}/${row.result.flowsFailed}`,
    ]);
  }
  const widths = header.map((_, i) =>
    Math.max(...table.filter((t) => t.length > 2).map((t) => (t[i] ?? '').length)),
  );
  for (const t of table) {
    lines.push(
      t.length > 2
        ? t.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ')
        : t.join('  '),
    );
  }
  lines.push(`noisy = windows in which other processes used more than ${NOISY_CORES} of a core; per window:`);
  for (const row of r.rows) {
    if (!row.result) continue;
    lines.push(
      `  ${row.label}: ` +
        row.result.windows
          .map(
            (w) =>
              `${fmt(w.turnsPerSec)}/s p99 ${fmt(w.p99, 1)} other ${fmt(w.otherCores, 2)}${w.otherCores > NOISY_CORES ? '!' : ''}`,
          )
          .join(' | '),
    );
  }
  if (r.memory) {
    const m = r.memory;
    lines.push(
      `state per conversation (memory store, JSON): ${fmt(m.stateBytesIdle)} B after the welcome, ` +
        `${fmt(m.stateBytesAtRest)} B at rest after an order flow`,
    );
    lines.push(
      `heap per 10,000 idle conversations: ${fmt((m.heapBytes * 10_000) / m.conversations / 1e6, 1)} MB ` +
        `(${fmt(m.heapBytes / m.conversations)} B each; ${m.conversations} measured${m.gc ? ', after full GC' : ', WITHOUT --expose-gc: rough'})`,
    );
  }
  if (r.redisStateBytes !== undefined) {
    lines.push(
      `state per conversation in Redis (HSTRLEN of the state values after the Redis rows): ${fmt(r.redisStateBytes)} B`,
    );
  }
  if (r.readyMs) {
    lines.push(
      `start to /readyz 200: MinID ${fmt(r.readyMs.minid)} ms (median of ${r.readyMs.samples.length}), echo bot ${fmt(r.readyMs.echo)} ms`,
    );
  }
  lines.push('targets:');
  for (const t of r.targets) {
    lines.push(`  [${t.met === undefined ? 'n/a ' : t.met ? 'met ' : 'MISS'}] ${t.name}: ${t.detail}`);
  }
  return lines.join('\n');
}
