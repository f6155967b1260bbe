/**
 * What a turn costs outside the bot's own turn logic, end to end on loopback: the server's CPU per turn
 * (from /proc) of
 *   echo      the bare echo bot (scripts/bench/echo-bot.ts), the baseline;
 *   trivial   the MinID app with MinIdBot's turn replaced by the echo turn (trivial-server.ts): our HTTP
 *             path alone (restify, body checks, claims, pseudonym, CloudAdapter, reply body);
 *   order     the MinID app (dist/src/index.js), full order flow as `npm run bench` runs it;
 *   timed     the same order flow on the app with the real turn timed inside the server (trivial-server.ts
 *             BENCH_TURN=timed): prints the CPU inside MinIdBot.run per turn next to the whole, so the
 *             rest is the edge's; exact with --users 1 (turns then never overlap);
 *   outbox    GET /sandbox/sms alone, per request (the order flow reads its code once per five turns).
 * Rows are measured in rounds (one window per row in turn, so bursts of other load hit all alike),
 * servers pinned to core 0 and this load generator to the last core when taskset is there. `--root DIR`
 * adds the trivial/order/timed/outbox rows of another built checkout (a before/after in the same rounds;
 * dist/scripts/bench/trivial-server.js is copied there when it lacks one).
 *
 *   npm run build && node dist/scripts/bench/httppath.js [--rounds 5] [--window 4] [--users 20]
 *     [--rows echo,trivial,order,timed,outbox] [--root DIR] [--cpu-prof DIR]
 */
import { copyFileSync, existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { randomBytes } from 'node:crypto';
import { BenchClient } from './client';
import { median, runLoad } from './load';
import {
  CLK_TCK,
  coreCount,
  hasTaskset,
  killStartedServers,
  pinProcess,
  processTicks,
  startServer,
  type ServerChild,
} from './proc';
import { benchPhone, echoChat, orderFlow, type Scenario } from './scenarios';

function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : fallback;
}

const ROOT = resolve(__dirname, '..', '..', '..');
const TRIVIAL = 'dist/scripts/bench/trivial-server.js';

interface Plan {
  label: string;
  server: ServerChild;
  /** Absent: the outbox row. */
  scenario?: Scenario;
  perTurn: number[];
  /** CPU inside MinIdBot.run per turn, per window (the timed row). */
  inRun: number[];
  /** CPU inside CloudAdapter's processActivity per turn (the timed row). */
  inProcess: number[];
}

async function main(): Promise<void> {
  const rounds = Number(arg('rounds', '5'));
  const windowMs = Number(arg('window', '4')) * 1000;
  const users = Number(arg('users', '20'));
  const rows = arg('rows', 'echo,trivial,order,outbox').split(',');
  const prof = arg('cpu-prof', '');
  const roots = [ROOT, ...(process.argv.includes('--root') ? [resolve(arg('root', ''))] : [])];
  const pinned = hasTaskset && coreCount >= 2;
  if (pinned) pinProcess(process.pid, coreCount - 1);
  const env = {
    FIXED_NOW: '2026-11-24T12:00:00+01:00',
    LOG_LEVEL: 'info',
    PRIVACY_SECRET: randomBytes(32).toString('hex'),
    LIMIT_CLIENT_ADDRESS: 'false',
  };
  const started: ServerChild[] = [];
  // --flags "…": the order row again, its server started with these node flags (e.g. GC sizes).
  const flags = arg('flags', '').split(' ').filter(Boolean);
  const start = async (
    name: string,
    root: string,
    script: string,
    extraEnv: Record<string, string> = {},
    nodeFlags: string[] = [],
  ) => {
    if (script === TRIVIAL && !existsSync(join(root, script)))
      copyFileSync(join(ROOT, TRIVIAL), join(root, script));
    if (!existsSync(join(root, script))) throw new Error(`${root}/${script} missing: npm run build there`);
    const file = `${name.replace(/\W+/g, '_')}-${Date.now()}.cpuprofile`;
    const child = await startServer({
      name,
      nodeArgs: [
        ...nodeFlags,
        ...(prof ? ['--cpu-prof', `--cpu-prof-dir=${prof}`, `--cpu-prof-name=${file}`] : []),
      ],
      script,
      cwd: root,
      env: { ...env, ...extraEnv },
      core: pinned ? 0 : undefined,
      readyPath: '/readyz',
    });
    started.push(child);
    return child;
  };
  const plans: Plan[] = [];
  const plan = (label: string, server: ServerChild, scenario?: Scenario) =>
    plans.push({ label, server, scenario, perTurn: [], inRun: [], inProcess: [] });
  try {
    if (rows.includes('echo'))
      plan('echo bot', await start('echo', ROOT, 'dist/scripts/bench/echo-bot.js'), echoChat);
    for (const [k, root] of roots.entries()) {
      const tag = k ? ` (${root})` : '';
      if (rows.includes('trivial'))
        plan(`app, trivial turn${tag}`, await start(`trivial${k}`, root, TRIVIAL), echoChat);
      if (rows.includes('order') || rows.includes('outbox')) {
        const server = await start(`minid${k}`, root, 'dist/src/index.js');
        if (rows.includes('order')) plan(`app, order flow${tag}`, server, orderFlow);
        if (rows.includes('outbox')) plan(`GET /sandbox/sms alone${tag}`, server);
        if (flags.length) {
          plan(
            `app, order flow, ${flags.join(' ')}${tag}`,
            await start(`flags${k}`, root, 'dist/src/index.js', {}, flags),
            orderFlow,
          );
        }
      }
      if (rows.includes('timed')) {
        plan(
          `app, order flow, timed${tag}`,
          await start(`timed${k}`, root, TRIVIAL, { BENCH_TURN: 'timed' }),
          orderFlow,
        );
      }
    }
    let conversation = 0;
    // Round -1 is the warm-up (not recorded).
    for (let r = -1; r < rounds; r += 1) {
      for (const p of plans) {
        if (!p.scenario) {
          const ms = await outboxCost(p.server, users, r < 0 ? 2000 : windowMs);
          if (r >= 0) p.perTurn.push(ms);
          continue;
        }
        const client = new BenchClient(2);
        const inRunBefore = p.label.includes('timed') ? await turnCpu(client, p.server) : undefined;
        const result = await runLoad({
          scenario: p.scenario,
          ports: [p.server.port],
          serverPids: [p.server.pid],
          users,
          warmupMs: r < 0 ? 3000 : 300,
          windowMs: r < 0 ? 500 : windowMs,
          reps: 1,
          runId: `h${process.pid}r${r}`,
          firstConversation: conversation,
        });
        conversation += result.conversations;
        if (result.flowsFailed)
          throw new Error(`${p.label}: ${result.flowsFailed} flows failed: ${result.firstError}`);
        if (r >= 0) p.perTurn.push(result.windows[0].cpuMsPerTurn);
        if (inRunBefore && r >= 0) {
          // Over the whole run (warm-up of the window included): its turns against its CPU inside run.
          const after = await turnCpu(client, p.server);
          p.inRun.push((after.cpuMs - inRunBefore.cpuMs) / (after.turns - inRunBefore.turns));
          p.inProcess.push(
            (after.processCpuMs - inRunBefore.processCpuMs) / (after.turns - inRunBefore.turns),
          );
        }
        client.close();
      }
    }
    console.log(
      `server CPU ms per turn (the outbox: per request), ${rounds} rounds × ${windowMs / 1000} s, ${users} users${pinned ? ', pinned' : ''}`,
    );
    const fmt = (values: number[]) => {
      const s = [...values].sort((a, b) => a - b);
      return `median ${median(s).toFixed(3)}  (${s[0].toFixed(3)}–${s.at(-1)!.toFixed(3)})`;
    };
    for (const p of plans) {
      console.log(`${p.label.padEnd(40)} ${fmt(p.perTurn)}`);
      if (p.inProcess.length)
        console.log(`${'  inside CloudAdapter processActivity'.padEnd(40)} ${fmt(p.inProcess)}`);
      if (p.inRun.length) console.log(`${'  of which inside MinIdBot.run'.padEnd(40)} ${fmt(p.inRun)}`);
    }
  } finally {
    await Promise.all(started.map((s) => s.stop()));
  }
}

async function turnCpu(
  client: BenchClient,
  server: ServerChild,
): Promise<{ turns: number; cpuMs: number; processCpuMs: number }> {
  const res = await client.send(server.port, 'GET', '/bench/turn-cpu');
  return JSON.parse(res.body) as { turns: number; cpuMs: number; processCpuMs: number };
}

/** Server CPU per GET /sandbox/sms (the order flow's code read), `users` at a time for `ms`. */
async function outboxCost(server: ServerChild, users: number, ms: number): Promise<number> {
  const client = new BenchClient(users * 2);
  const stopAt = Date.now() + ms;
  let requests = 0;
  const before = processTicks(server.pid);
  await Promise.all(
    Array.from({ length: users }, async (_, u) => {
      while (Date.now() < stopAt) {
        const to = encodeURIComponent(`+47${benchPhone(u)}`);
        const res = await client.send(server.port, 'GET', `/sandbox/sms?to=${to}`);
        if (res.status !== 200) throw new Error(`outbox: HTTP ${res.status}`);
        requests += 1;
      }
    }),
  );
  const ticks = processTicks(server.pid) - before;
  client.close();
  return (ticks * 1000) / CLK_TCK / requests;
}

process.once('SIGINT', () => {
  killStartedServers();
  process.exit(130);
});
main().catch((err: unknown) => {
  console.error(err);
  killStartedServers();
  process.exit(1);
});
