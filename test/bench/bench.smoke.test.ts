/**
 * Smoke test of `npm run bench`: the same machinery, very briefly (two users, one 1 s window, memory state
 * only, servers from source): the echo baseline and the MinID order flow both complete their flows and
 * the table has figures. Timings are not checked (CI machines vary); that the flow works end to end
 * under concurrent load, and that the benchmark keeps running, is.
 */
import { renderTable, runBench, type BenchResult } from '../../scripts/bench/bench';

jest.setTimeout(90_000);

let result: BenchResult;

beforeAll(async () => {
  result = await runBench({
    runtime: 'ts-node',
    pin: false,
    users: 2,
    warmupMs: 300,
    windowMs: 1000,
    reps: 1,
    rows: ['baseline', 'order'],
    redis: false,
    idleConversations: 30,
    readyReps: 0,
    log: () => undefined,
  });
});

describe('npm run bench (smoke)', () => {
  it.each(['baseline', 'order'])('the %s row has completed flows, turns and latencies', (id) => {
    const row = result.rows.find((r) => r.id === id);
    expect(row?.skipped).toBeUndefined();
    expect(row?.result?.flowsFailed).toBe(0);
    expect(row?.result?.firstError).toBeUndefined();
    expect(row?.result?.flowsCompleted).toBeGreaterThan(0);
    const m = row!.result!.median;
    expect(m.turns).toBeGreaterThan(0);
    expect(m.turnsPerSec).toBeGreaterThan(0);
    for (const v of [m.p50, m.p95, m.p99]) expect(v).toBeGreaterThan(0);
    expect(m.p50).toBeLessThanOrEqual(m.p99);
    // CPU from /proc: Linux only (CI is Linux).
    if (process.platform === 'linux') expect(Number.isFinite(m.cpuMsPerTurn)).toBe(true);
  });

  it('measures state per conversation and the idle heap', () => {
    expect(result.memory?.stateBytesIdle).toBeGreaterThan(0);
    expect(result.memory?.stateBytesAtRest).toBeGreaterThan(0);
    expect(Number.isFinite(result.memory?.heapBytes)).toBe(true);
  });

  it('prints the table with each row and every target', () => {
    const table = renderTable(result);
    expect(table).toMatch(/echo baseline\s+\d+/);
    expect(table).toMatch(/order flow, memory\s+\d+\s+\d+\.\d\d/);
    expect(table).toContain('state per conversation');
    expect(result.targets.map((t) => t.name)).toEqual([
      expect.stringContaining('0.5×'),
      expect.stringContaining('0.35×'),
      expect.stringContaining('p99'),
      expect.stringContaining('two instances'),
      expect.stringContaining('1 KB'),
      expect.stringContaining('start to ready'),
    ]);
    // Rows not run say so instead of inventing a verdict.
    expect(result.targets.find((t) => t.name.includes('0.35×'))?.met).toBeUndefined();
  });
});
