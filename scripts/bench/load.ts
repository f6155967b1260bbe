import { BenchClient, messageActivity, replyTexts } from './client';
import { CLK_TCK, machineBusyTicks, processTicks } from './proc';
import { FlowError, type ConversationIo, type Scenario } from './scenarios';

/**
 * The load generator: `users` simulated users, each walking one conversation after another (closed loop:
 * a user sends its next message when the previous answer is in), against one port or several in turn
 * (round-robin per request). After a warm-up, `reps` windows are measured back to back; for each, the
 * turns, latencies, the server processes' CPU (from /proc) and everybody else's CPU on the machine.
 */

export interface LoadOptions {
  scenario: Scenario;
  ports: number[];
  /** The server processes whose CPU is the cost being measured. */
  serverPids: number[];
  users: number;
  warmupMs: number;
  windowMs: number;
  reps: number;
  /** Prefix of conversation ids, so runs never share a conversation. */
  runId: string;
  /** First conversation number (fresh phone numbers across runs on one store). */
  firstConversation: number;
}

export interface WindowStats {
  turns: number;
  seconds: number;
  turnsPerSec: number;
  p50: number;
  p95: number;
  p99: number;
  /** Server CPU (all server processes) per turn, in ms. */
  cpuMsPerTurn: number;
  /** Server CPU in cores (1 = one core busy all window). */
  serverCores: number;
  /** This load generator's CPU, in cores. */
  loadCores: number;
  /** CPU of every other process on the machine during the window, in cores. */
  otherCores: number;
  /** Turns or flows that failed (non-200, wrong reply, exception). */
  errors: number;
}

export interface LoadResult {
  windows: WindowStats[];
  median: WindowStats;
  flowsCompleted: number;
  flowsFailed: number;
  firstError?: string;
  /** Conversations started (the next run on the same store should start after these). */
  conversations: number;
}

interface Snapshot {
  t: number;
  server: number;
  self: number;
  busy: number;
}

const nowMs = () => Number(process.hrtime.bigint()) / 1e6;

function snapshot(pids: number[]): Snapshot {
  return {
    t: nowMs(),
    server: pids.reduce((sum, pid) => sum + processTicks(pid), 0),
    self: processTicks(process.pid),
    busy: machineBusyTicks(),
  };
}

/** The q-quantile of sorted values (nearest rank). */
export function quantile(sorted: number[], q: number): number {
  if (!sorted.length) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))];
}

export function median(values: number[]): number {
  const finite = values.filter((v) => Number.isFinite(v)).sort((a, b) => a - b);
  if (!finite.length) return NaN;
  const mid = Math.floor(finite.length / 2);
  return finite.length % 2 ? finite[mid] : (finite[mid - 1] + finite[mid]) / 2;
}

/** The io of one conversation over HTTP; `onTurn` gets each turn's start and end (ms). */
export function conversationIo(
  client: BenchClient,
  port: () => number,
  conversationId: string,
  userId: string,
  onTurn: (t0: number, t1: number) => void = () => undefined,
): ConversationIo {
  return {
    async turn(text) {
      const t0 = nowMs();
      const res = await client.send(
        port(),
        'POST',
        '/api/messages',
        messageActivity(conversationId, userId, text),
      );
      const t1 = nowMs();
      if (res.status !== 200) throw new FlowError(`HTTP ${res.status}: ${res.body.slice(0, 200)}`);
      onTurn(t0, t1);
      return replyTexts(res.body);
    },
    async latestCode(phone) {
      const res = await client.send(port(), 'GET', `/sandbox/sms?to=${encodeURIComponent(phone)}`);
      if (res.status !== 200) throw new FlowError(`sandbox outbox: HTTP ${res.status}`);
      const outbox = JSON.parse(res.body) as { text?: string }[];
      const code = /(?<!\d)(\d{6})(?!\d)/.exec(outbox.at(-1)?.text ?? '')?.[1];
      if (!code) throw new FlowError('no code in the sandbox outbox');
      return code;
    },
  };
}

/** Runs `count` conversations of a scenario, `concurrency` at a time, against one port; throws on a failed flow. */
export async function runConversations(
  scenario: Scenario,
  port: number,
  count: number,
  concurrency: number,
  runId: string,
  first = 0,
): Promise<void> {
  const client = new BenchClient(concurrency * 2);
  let next = first;
  const end = first + count;
  try {
    await Promise.all(
      Array.from({ length: Math.min(concurrency, count) }, async () => {
        while (next < end) {
          const n = next++;
          await scenario.run(
            conversationIo(client, () => port, `${runId}-${n}`, `user-${runId}-${n}`),
            n,
          );
        }
      }),
    );
  } finally {
    client.close();
  }
}

export async function runLoad(options: LoadOptions): Promise<LoadResult> {
  const client = new BenchClient(options.users * 2);
  const doneAt: number[] = [];
  const latency: number[] = [];
  const errorAt: number[] = [];
  let flowsCompleted = 0;
  let flowsFailed = 0;
  let firstError: string | undefined;
  let conversation = options.firstConversation;
  let rr = 0;
  const port = () => options.ports[rr++ % options.ports.length];

  const start = nowMs();
  const measureFrom = start + options.warmupMs;
  const stopAt = measureFrom + options.reps * options.windowMs;

  // Window boundaries: CPU snapshots at each, taken by a timer on this (otherwise idle-ish) process.
  const snapshots: Snapshot[] = [];
  const boundaries = Array.from({ length: options.reps + 1 }, (_, k) => measureFrom + k * options.windowMs);
  const timers = boundaries.map((at) =>
    setTimeout(() => snapshots.push(snapshot(options.serverPids)), Math.max(0, at - nowMs())),
  );

  const user = async (u: number) => {
    while (nowMs() < stopAt) {
      const n = conversation++;
      const conversationId = `${options.runId}-${n}`;
      const userId = `user-${options.runId}-${u}-${n}`;
      const io = conversationIo(client, port, conversationId, userId, (t0, t1) => {
        doneAt.push(t1);
        latency.push(t1 - t0);
      });
      try {
        await options.scenario.run(io, n);
        flowsCompleted += 1;
      } catch (err) {
        flowsFailed += 1;
        errorAt.push(nowMs());
        firstError ??= err instanceof Error ? err.message : String(err);
        // A failing server must not turn the load loop into a busy spin.
        await new Promise((r) => setTimeout(r, 20));
      }
    }
  };
  await Promise.all(Array.from({ length: options.users }, (_, u) => user(u)));
  timers.forEach(clearTimeout);
  while (snapshots.length < boundaries.length) snapshots.push(snapshot(options.serverPids));
  client.close();

  const windows: WindowStats[] = [];
  for (let k = 0; k < options.reps; k += 1) {
    const a = snapshots[k];
    const b = snapshots[k + 1];
    const lat: number[] = [];
    for (let i = 0; i < doneAt.length; i += 1) {
      if (doneAt[i] >= a.t && doneAt[i] < b.t) lat.push(latency[i]);
    }
    lat.sort((x, y) => x - y);
    const seconds = (b.t - a.t) / 1000;
    const serverTicks = b.server - a.server;
    const selfTicks = b.self - a.self;
    const busyTicks = b.busy - a.busy;
    const cores = (ticks: number) => ticks / CLK_TCK / seconds;
    windows.push({
      turns: lat.length,
      seconds,
      turnsPerSec: lat.length / seconds,
      p50: quantile(lat, 0.5),
      p95: quantile(lat, 0.95),
      p99: quantile(lat, 0.99),
      cpuMsPerTurn: lat.length ? (serverTicks * 1000) / CLK_TCK / lat.length : NaN,
      serverCores: cores(serverTicks),
      loadCores: cores(selfTicks),
      otherCores: Math.max(0, cores(busyTicks - serverTicks - selfTicks)),
      errors: errorAt.filter((t) => t >= a.t && t < b.t).length,
    });
  }
  return {
    windows,
    median: medianWindow(windows),
    flowsCompleted,
    flowsFailed,
    firstError,
    conversations: conversation - options.firstConversation,
  };
}

/** Each figure's median over the windows (figure by figure, so not one window's figures). */
export function medianWindow(windows: WindowStats[]): WindowStats {
  const pick = (f: (w: WindowStats) => number) => median(windows.map(f));
  return {
    turns: pick((w) => w.turns),
    seconds: pick((w) => w.seconds),
    turnsPerSec: pick((w) => w.turnsPerSec),
    p50: pick((w) => w.p50),
    p95: pick((w) => w.p95),
    p99: pick((w) => w.p99),
    cpuMsPerTurn: pick((w) => w.cpuMsPerTurn),
    serverCores: pick((w) => w.serverCores),
    loadCores: pick((w) => w.loadCores),
    otherCores: pick((w) => w.otherCores),
    errors: pick((w) => w.errors),
  };
}

/** Several runs of one row (one window each, taken in turns with other rows) as one result. */
export function mergeResults(results: LoadResult[]): LoadResult {
  const windows = results.flatMap((r) => r.windows);
  return {
    windows,
    median: medianWindow(windows),
    flowsCompleted: results.reduce((n, r) => n + r.flowsCompleted, 0),
    flowsFailed: results.reduce((n, r) => n + r.flowsFailed, 0),
    firstError: results.find((r) => r.firstError)?.firstError,
    conversations: results.reduce((n, r) => n + r.conversations, 0),
  };
}
