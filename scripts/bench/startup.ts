import { randomBytes } from 'node:crypto';
import { resolve } from 'node:path';
import { BenchClient, messageActivity, replyTexts } from './client';
import { CLK_TCK, processTicks, startServer } from './proc';

/**
 * Start-up benchmark: spawns the built server (`node dist/src/index.js`, embedded defaults) N times and
 * reports, as medians, the wall time from spawn to the first `GET /readyz` 200, the server's CPU time at
 * that moment (utime + stime from /proc, so other processes' load on the machine shows less in it), and
 * the latency of the first turn after ready (so work moved out of start-up into the first turn shows).
 *
 *   npm run build && node dist/scripts/bench/startup.js [--runs N] [--root DIR] [--echo] [--node-arg ARG]...
 *
 * `--root` measures another built checkout (a before/after in the same run: the runs alternate);
 * `--echo` adds the benchmark's bare echo bot (scripts/bench/echo-bot.ts) on the same stack, the floor.
 */

interface Sample {
  readyMs: number;
  cpuMs: number;
  firstTurnMs: number;
  secondTurnMs: number;
}

function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
}

async function turn(client: BenchClient, port: number, conversation: string, text: string): Promise<number> {
  const t0 = process.hrtime.bigint();
  const res = await client.send(port, 'POST', '/api/messages', messageActivity(conversation, 'u1', text));
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  if (res.status !== 200 || replyTexts(res.body).length === 0) {
    throw new Error(`turn "${text}" failed: ${res.status} ${res.body.slice(0, 200)}`);
  }
  return ms;
}

/** One start of the server in `root`: ready time, CPU at ready, and the first two turns' latency. */
export async function measureStart(
  root: string,
  nodeArgs: string[] = [],
  script = 'dist/src/index.js',
): Promise<Sample> {
  const server = await startServer({
    name: `${script} (${root})`,
    nodeArgs,
    script: resolve(root, script),
    cwd: root,
    env: { LOG_LEVEL: 'warn', PRIVACY_SECRET: randomBytes(32).toString('hex') },
    readyPath: '/readyz',
  });
  const cpuMs = (processTicks(server.pid) * 1000) / CLK_TCK;
  const client = new BenchClient(1);
  try {
    // The first turn is free text, so it needs the intent model, language detection and the dialogs.
    const conversation = `startup-${process.pid}-${Date.now()}`;
    const firstTurnMs = await turn(client, server.port, conversation, 'hei, hva koster minid?');
    const secondTurnMs = await turn(client, server.port, conversation, 'jeg har ikke fått brevet');
    return { readyMs: server.readyMs, cpuMs, firstTurnMs, secondTurnMs };
  } finally {
    client.close();
    await server.stop();
  }
}

function summary(label: string, samples: Sample[]): string {
  const f = (k: keyof Sample) => median(samples.map((s) => s[k])).toFixed(0);
  const range = (k: keyof Sample) =>
    `${Math.min(...samples.map((s) => s[k])).toFixed(0)}–${Math.max(...samples.map((s) => s[k])).toFixed(0)}`;
  return (
    `${label}: start to /readyz 200 ${f('readyMs')} ms (${range('readyMs')}), CPU at ready ${f('cpuMs')} ms ` +
    `(${range('cpuMs')}), first turn ${f('firstTurnMs')} ms (${range('firstTurnMs')}), second turn ` +
    `${f('secondTurnMs')} ms; medians of ${samples.length}`
  );
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  let runs = 7;
  const here = resolve(__dirname, '../../..');
  const targets = [{ label: `MinID ${here}`, root: here, script: 'dist/src/index.js' }];
  const nodeArgs: string[] = [];
  for (let i = 0; i < args.length; i += 1) {
    if (args[i] === '--runs') runs = Number(args[++i]);
    else if (args[i] === '--root') {
      const root = resolve(args[++i]);
      targets.push({ label: `MinID ${root}`, root, script: 'dist/src/index.js' });
    } else if (args[i] === '--echo') {
      targets.push({ label: 'echo bot', root: here, script: 'dist/scripts/bench/echo-bot.js' });
    } else if (args[i] === '--node-arg') nodeArgs.push(args[++i]);
    else throw new Error(`unknown argument ${args[i]}`);
  }
  const samples = targets.map((): Sample[] => []);
  for (let r = 0; r < runs; r += 1) {
    for (let i = 0; i < targets.length; i += 1) {
      samples[i].push(await measureStart(targets[i].root, nodeArgs, targets[i].script));
    }
  }
  targets.forEach((t, i) => process.stdout.write(`${summary(t.label, samples[i])}\n`));
}

if (require.main === module) {
  main().catch((err: unknown) => {
    process.stderr.write(`${err instanceof Error ? err.stack : String(err)}\n`);
    process.exit(1);
  });
}
