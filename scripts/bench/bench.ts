import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import Redis from 'ioredis';
import { mergeResults, runLoad, median, type LoadResult, type WindowStats } from './load';
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
  /** Write a CPU profile of every MinID server under load to this directory (one file per process). */
  cpuProfDir?: string;
  /** Another checkout (built with npm run build) whose MinID bot is measured alongside, for before/after. */
  compareRoot?: string;
  /** How the other checkout is named in the table. */
  compareLabel?: string;
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
  /** The row id; `<id>@compare` for the same row on the --compare checkout. */
  id: string;
  label: string;
  result?: LoadResult;
  /** Why the row has no figures (e.g. no Redis). */
  skipped?: string;
  /** The windows in which other processes used more than NOISY_CORES. */
  noisyWindows: number;
  /** Medians over the rounds of this row's figure divided by the baseline's in the same round. */
  vsBaseline?: { turnsPerSec: number; cpuMsPerTurn: number; p99: number };
}

export interface Target {
  name: string;
  met: boolean | undefined;
  detail: string;
}

/** This checkout's row over the same row of the --compare checkout (median of per-round ratios). */
export interface Comparison {
  label: string;
  turnsPerSec: number;
  cpuMsPerTurn: number;
  p99: number;
}

export interface BenchResult {
  comparisons: Comparison[];
  options: Omit<BenchOptions, 'log'>;
  cores: number;
  pinned: boolean;
  rows: Row[];
  memory?: MemoryResult;
  /** Redis HSTRLEN of the state values after the Redis rows (mean bytes per conversation). */
  redisStateBytes?: number;
  /** Two instances' turns/s over one instance's, median over the rounds. */
  twoVsOne?: number;
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

function serverCommand(options: BenchOptions, which: 'minid' | 'echo', root: string) {
  if (options.runtime === 'dist' || root !== ROOT) {
    const script = which === 'minid' ? 'dist/src/index.js' : 'dist/scripts/bench/echo-bot.js';
    if (!existsSync(join(root, script)))
      throw new Error(`${root}/${script} is missing: run npm run build there first`);
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
  const { log, ...recorded } = options;
  const pinned = options.pin && hasTaskset && coreCount >= 2;
  // Load generator on the last core, servers on core 0 (and core 1 for the second instance if it is free).
  const loadCore = coreCount - 1;
  if (pinned) pinProcess(process.pid, loadCore);
  const secondCore = pinned && coreCount >= 3 ? 1 : 0;
  const runId = `b${process.pid}${Date.now().toString(36)}`;
  const secret = randomBytes(32).toString('hex');
  // Every simulated user posts from the load generator's one loopback address: the per-client code limit
  // (10 an hour) would stop the run at once, so it is off here; every other limit stays on.
  const minidEnv = { FIXED_NOW, LOG_LEVEL: 'info', PRIVACY_SECRET: secret, LIMIT_CLIENT_ADDRESS: 'false' };
  const started: ServerChild[] = [];
  const start = async (
    name: string,
    which: 'minid' | 'echo',
    env: Record<string, string>,
    core = 0,
    extra: string[] = [],
    root = ROOT,
  ) => {
    const cmd = serverCommand(options, which, root);
    const child = await startServer({
      name,
      nodeArgs: [...extra, ...cmd.nodeArgs],
      script: cmd.script,
      cwd: root,
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
  const load = async (scenario: Scenario, servers: ServerChild[], warmupMs: number, reps: number) => {
    const result = await runLoad({
      scenario,
      ports: servers.map((s) => s.port),
      serverPids: servers.map((s) => s.pid),
      users: options.users,
      warmupMs,
      windowMs: options.windowMs,
      reps,
      runId,
      firstConversation: conversationNo,
    });
    conversationNo += result.conversations;
    return result;
  };
  const want = (id: RowId) => options.rows.includes(id);

  interface Plan {
    id: string;
    label: string;
    scenario: Scenario;
    servers: ServerChild[];
    runs: LoadResult[];
  }
  // With --cpu-prof every MinID server under load writes its own profile (named by its pid) on exit.
  const prof = options.cpuProfDir ? ['--cpu-prof', `--cpu-prof-dir=${options.cpuProfDir}`] : [];
  const plans: Plan[] = [];
  const skipped: Row[] = [];
  let redisStateBytes: number | undefined;
  let readyMs: BenchResult['readyMs'];
  let memory: MemoryResult | undefined;
  let redis: Redis | undefined;
  const prefix = `bench:${runId}:`;
  try {
    // Every server under test runs from the start, idle until its turn: the rows are measured in rounds,
    // one window each in turn, so a burst of other load on the machine hits every row alike and the
    // ratios to the baseline (taken per round) stay fair on a busy machine.
    log('starting the servers');
    if (want('baseline')) {
      plans.push({
        id: 'baseline',
        label: 'echo baseline',
        scenario: echoChat,
        servers: [await start('echo bot', 'echo', {})],
        runs: [],
      });
    }
    if (want('order') || want('questions')) {
      const bot = await start('minid (memory)', 'minid', { ...minidEnv }, 0, prof);
      if (want('order'))
        plans.push({
          id: 'order',
          label: 'order flow, memory',
          scenario: orderFlow,
          servers: [bot],
          runs: [],
        });
      if (want('questions'))
        plans.push({
          id: 'questions',
          label: 'questions, memory',
          scenario: questionMix,
          servers: [bot],
          runs: [],
        });
      if (options.compareRoot) {
        const other = await start('minid (compare)', 'minid', { ...minidEnv }, 0, [], options.compareRoot);
        const tag = `(${options.compareLabel ?? options.compareRoot})`;
        if (want('order'))
          plans.push({
            id: 'order@compare',
            label: `order flow, memory ${tag}`,
            scenario: orderFlow,
            servers: [other],
            runs: [],
          });
        if (want('questions'))
          plans.push({
            id: 'questions@compare',
            label: `questions, memory ${tag}`,
            scenario: questionMix,
            servers: [other],
            runs: [],
          });
      }
    }
    if (want('redis1') || want('redis2')) {
      redis = options.redis ? await redisReachable(options.redisUrl) : undefined;
      const why = options.redis
        ? `no Redis answers at ${options.redisUrl.replace(/\/\/[^@]*@/, '//')}`
        : 'Redis rows off';
      if (!redis) {
        if (want('redis1'))
          skipped.push({
            id: 'redis1',
            label: 'order flow, Redis, 1 instance',
            skipped: why,
            noisyWindows: 0,
          });
        if (want('redis2'))
          skipped.push({
            id: 'redis2',
            label: 'order flow, Redis, 2 instances',
            skipped: why,
            noisyWindows: 0,
          });
      } else {
        const env = { ...minidEnv, STORAGE: 'redis', REDIS_URL: options.redisUrl, REDIS_KEY_PREFIX: prefix };
        const a = await start('minid (redis) A', 'minid', env, 0, prof);
        if (want('redis1'))
          plans.push({
            id: 'redis1',
            label: 'order flow, Redis, 1 instance',
            scenario: orderFlow,
            servers: [a],
            runs: [],
          });
        if (want('redis2')) {
          const b = await start('minid (redis) B', 'minid', env, secondCore, prof);
          plans.push({
            id: 'redis2',
            label: 'order flow, Redis, 2 instances',
            scenario: orderFlow,
            servers: [a, b],
            runs: [],
          });
        }
      }
    }
    for (const plan of plans) {
      log(`warm-up: ${plan.label}`);
      await load(plan.scenario, plan.servers, options.warmupMs, 0);
    }
    for (let round = 1; round <= options.reps; round += 1) {
      log(`round ${round}/${options.reps}`);
      for (const plan of plans) {
        const result = await load(plan.scenario, plan.servers, Math.min(1000, options.warmupMs), 1);
        plan.runs.push(result);
        const m = result.median;
        log(
          `  ${plan.label}: ${m.turnsPerSec.toFixed(0)} turns/s, p99 ${m.p99.toFixed(1)} ms, ` +
            `${m.cpuMsPerTurn.toFixed(2)} CPU ms/turn, other processes ${m.otherCores.toFixed(2)} cores` +
            (result.firstError ? ` (failure: ${result.firstError})` : ''),
        );
      }
    }
    await stopAll();
    if (redis) {
      const stateKeys = (await keysUnder(redis, `${prefix}state:`)).slice(0, 2000);
      if (stateKeys.length) {
        const lengths = await Promise.all(stateKeys.map((k) => redis!.hstrlen(k, 'd')));
        redisStateBytes = lengths.reduce((x, y) => x + y, 0) / lengths.length;
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
    }
    if (options.idleConversations > 0) {
      log(`memory: ${options.idleConversations} idle conversations in this process`);
      memory = await measureMemory(options.idleConversations);
    }
  } finally {
    await stopAll();
    if (redis) {
      const keys = await keysUnder(redis, prefix);
      for (let i = 0; i < keys.length; i += 500) await redis.unlink(...keys.slice(i, i + 500));
      redis.disconnect();
    }
  }
  const base = plans.find((p) => p.id === 'baseline');
  const rows: Row[] = plans.map((plan) => {
    const result = mergeResults(plan.runs);
    // Ratios per round (this row's window against the baseline's window of the same round), then the median.
    const perRound = (f: (w: WindowStats) => number) =>
      base ? median(plan.runs.map((r, k) => f(r.windows[0]) / f(base.runs[k].windows[0]))) : NaN;
    return {
      id: plan.id,
      label: plan.label,
      result,
      noisyWindows: result.windows.filter((w) => w.otherCores > NOISY_CORES).length,
      vsBaseline: {
        turnsPerSec: perRound((w) => w.turnsPerSec),
        cpuMsPerTurn: perRound((w) => w.cpuMsPerTurn),
        p99: perRound((w) => w.p99),
      },
    };
  });
  // Before/after: each row against the same row of the --compare checkout, per round, then the median.
  const comparisons: Comparison[] = [];
  for (const plan of plans) {
    const other = plans.find((p) => p.id === `${plan.id}@compare`);
    if (!other) continue;
    const perRound = (f: (w: WindowStats) => number) =>
      median(plan.runs.map((r, k) => f(r.windows[0]) / f(other.runs[k].windows[0])));
    comparisons.push({
      label: plan.label,
      turnsPerSec: perRound((w) => w.turnsPerSec),
      cpuMsPerTurn: perRound((w) => w.cpuMsPerTurn),
      p99: perRound((w) => w.p99),
    });
  }
  const redis1 = plans.find((p) => p.id === 'redis1');
  const redis2 = plans.find((p) => p.id === 'redis2');
  const result: BenchResult = {
    options: recorded,
    cores: coreCount,
    pinned,
    rows: [...rows, ...skipped],
    twoVsOne:
      redis1 && redis2
        ? median(redis2.runs.map((r, k) => r.windows[0].turnsPerSec / redis1.runs[k].windows[0].turnsPerSec))
        : undefined,
    comparisons,
    memory,
    redisStateBytes,
    readyMs,
    targets: [],
  };
  result.targets = targets(result, options);
  return result;
}

function targets(r: BenchResult, options: BenchOptions): Target[] {
  const row = (id: string) => r.rows.find((x) => x.id === id);
  const out: Target[] = [];
  const check = (
    name: string,
    value: number | undefined,
    ok: (v: number) => boolean,
    detail: (v: number) => string,
    why = 'not measured',
  ) =>
    out.push(
      value !== undefined && Number.isFinite(value)
        ? { name, met: ok(value), detail: detail(value) }
        : { name, met: undefined, detail: why },
    );
  // Turns/s also depend on how much of its core each server got from the rest of the machine; the CPU per
  // turn much less so, and the capacity ratio (baseline CPU per turn / this row's) is printed alongside.
  const capacity = (id: string) => {
    const v = row(id)?.vsBaseline?.cpuMsPerTurn;
    return v !== undefined && Number.isFinite(v) ? `; by CPU per turn ${(1 / v).toFixed(2)}×` : '';
  };
  check(
    'order flow ≥ 0.5× baseline turns/s (memory)',
    row('order')?.vsBaseline?.turnsPerSec,
    (v) => v >= 0.5,
    (v) => `${v.toFixed(2)}×${capacity('order')}`,
  );
  check(
    'order flow ≥ 0.35× baseline turns/s (Redis + lock)',
    row('redis1')?.vsBaseline?.turnsPerSec,
    (v) => v >= 0.35,
    (v) => `${v.toFixed(2)}×${capacity('redis1')}`,
    row('redis1')?.skipped,
  );
  const p99 = (id: string) => row(id)?.result?.median.p99;
  check(
    'p99 ≤ 2× baseline p99 at 20 users (order flow, memory)',
    row('order')?.vsBaseline?.p99,
    (v) => v <= 2,
    (v) =>
      `${v.toFixed(2)}× (median ${p99('order')?.toFixed(1)} vs ${p99('baseline')?.toFixed(1)} ms)` +
      (options.users === 20 ? '' : ` — measured at ${options.users} users, not 20`),
  );
  const twoMeasurable = r.pinned && r.cores >= 3;
  check(
    'two instances ≥ 1.6× one instance (Redis)',
    r.twoVsOne,
    (v) => v >= 1.6,
    (v) => `${v.toFixed(2)}×`,
    row('redis2')?.skipped,
  );
  if (!twoMeasurable && out[3].met !== undefined) {
    out[3] = {
      ...out[3],
      met: undefined,
      detail: `${out[3].detail} — not measurable here: ${r.cores} cores, one is the load generator's, so both instances share one core`,
    };
  }
  const atRest = [r.memory?.stateBytesAtRest, r.redisStateBytes].filter(
    (v): v is number => v !== undefined && Number.isFinite(v),
  );
  check(
    '≤ 1 KB state per conversation at rest',
    atRest.length ? Math.max(...atRest) : undefined,
    (v) => v <= 1024,
    (v) => `${v.toFixed(0)} B`,
  );
  check(
    'start to ready ≤ 1.0 s',
    r.readyMs?.minid,
    (v) => v <= 1000,
    (v) => `${v.toFixed(0)} ms`,
  );
  return out;
}

const fmt = (v: number | undefined, digits = 0) =>
  v === undefined || !Number.isFinite(v) ? '—' : v.toFixed(digits);

/** The result as a plain-text table (what `npm run bench` prints). */
export function renderTable(r: BenchResult): string {
  const o = r.options;
  const lines: string[] = [];
  lines.push(
    `${o.users} users, warm-up ${o.warmupMs / 1000} s, ${o.reps} rounds of one ${o.windowMs / 1000} s window per row (medians; × base = median of per-round ratios), ` +
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
      fmt(row.vsBaseline?.turnsPerSec, 2),
      fmt(m.p50, 1),
      fmt(m.p95, 1),
      fmt(m.p99, 1),
      fmt(m.cpuMsPerTurn, 2),
      fmt(row.vsBaseline?.cpuMsPerTurn, 2),
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
  for (const c of r.comparisons) {
    lines.push(
      `this checkout / ${o.compareLabel ?? o.compareRoot}, ${c.label}: turns/s ${fmt(c.turnsPerSec, 2)}×, ` +
        `CPU ms/turn ${fmt(c.cpuMsPerTurn, 2)}×, p99 ${fmt(c.p99, 2)}× (medians of per-round ratios)`,
    );
  }
  if (r.twoVsOne !== undefined)
    lines.push(`two instances / one instance (Redis), per round: ${fmt(r.twoVsOne, 2)}×`);
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
