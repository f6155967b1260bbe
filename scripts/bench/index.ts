/**
 * `npm run bench [-- flags]`: builds, then runs the benchmark and prints the table (see bench.ts).
 *   --quick              1 s warm-up, 2 rounds of 3 s windows, 2,000 idle conversations, 1 start-up sample
 *   --users N            simulated users (default 20)
 *   --window S --reps N --warmup S   window length, rounds (one window per row each), first warm-up
 *   --compare DIR        also measure the MinID rows of another checkout (built: npm run build there),
 *                        in the same rounds, for a before/after; --compare-label NAME names it
 *   --rows a,b           baseline,order,questions,redis1,redis2 (default all)
 *   --no-redis           skip the Redis rows
 *   --no-pin             do not pin with taskset
 *   --idle N             idle conversations for the heap figure (0 skips it)
 *   --ready N            start-to-ready samples (0 skips it)
 *   --cpu-prof DIR       write a CPU profile of the MinID server under order-flow load to DIR
 *   --json FILE          also write the raw result as JSON
 */
import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { DEFAULTS, renderTable, runBench, type BenchOptions, type RowId } from './bench';
import { killStartedServers } from './proc';

function parse(argv: string[]): { options: Partial<BenchOptions>; json?: string } {
  const options: Partial<BenchOptions> = {};
  let json: string | undefined;
  for (let i = 0; i < argv.length; i += 1) {
    const arg = argv[i];
    const value = () => {
      const v = argv[++i];
      if (v === undefined) throw new Error(`${arg} needs a value`);
      return v;
    };
    const num = () => {
      const n = Number(value());
      if (!Number.isFinite(n) || n < 0) throw new Error(`${arg} needs a number`);
      return n;
    };
    switch (arg) {
      case '--quick':
        Object.assign(options, {
          warmupMs: 1000,
          windowMs: 3000,
          reps: 2,
          idleConversations: 2000,
          readyReps: 1,
        });
        break;
      case '--users':
        options.users = num();
        break;
      case '--window':
        options.windowMs = num() * 1000;
        break;
      case '--warmup':
        options.warmupMs = num() * 1000;
        break;
      case '--reps':
        options.reps = num();
        break;
      case '--rows':
        options.rows = value().split(',') as RowId[];
        break;
      case '--no-redis':
        options.redis = false;
        break;
      case '--no-pin':
        options.pin = false;
        break;
      case '--idle':
        options.idleConversations = num();
        break;
      case '--ready':
        options.readyReps = num();
        break;
      case '--cpu-prof':
        options.cpuProfDir = value();
        break;
      case '--compare':
        options.compareRoot = resolve(value());
        break;
      case '--compare-label':
        options.compareLabel = value();
        break;
      case '--json':
        json = value();
        break;
      default:
        throw new Error(`unknown flag ${arg}`);
    }
  }
  const bad = (options.rows ?? []).filter((r) => !DEFAULTS.rows.includes(r));
  if (bad.length) throw new Error(`unknown rows: ${bad.join(', ')}`);
  return { options, json };
}

async function main(): Promise<void> {
  const { options, json } = parse(process.argv.slice(2));
  const result = await runBench(options);
  console.log(renderTable(result));
  if (json) writeFileSync(json, JSON.stringify(result, null, 2));
}

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    killStartedServers();
    process.exit(130);
  });
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : String(err));
  process.exit(1);
});
