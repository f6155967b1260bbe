/**
 * The MinID app as `node dist/src/index.js` builds it (restify, body reading and validation, the
 * internal-channel check, the client pseudonym, the CloudAdapter with its reusing authentication, the
 * lifecycle, the metrics registry), with MinIdBot's `run` changed in this process only, for measuring
 * what the HTTP edge costs apart from the bot. Bench tooling: nothing in the product can select it.
 *   BENCH_TURN=trivial (default)  the turn is the echo bot's: one reply, nothing else;
 *   BENCH_TURN=timed              the real turn, its CPU summed (process.cpuUsage around each run; exact
 *                                 only when turns do not overlap, i.e. one user at a time) and served
 *                                 at GET /bench/turn-cpu as { turns, cpuMs }.
 *
 * Run: node dist/scripts/bench/trivial-server.js (same environment as the server: PORT, ...).
 */
import { CloudAdapter, type TurnContext } from 'botbuilder';
import { loadConfig } from '../../src/config';
import { buildApp } from '../../src/index';
import { MinIdBot } from '../../src/bot/minidBot';
import { listen } from '../../src/server';

const mode = process.env.BENCH_TURN ?? 'trivial';
const totals = { turns: 0, cpuMs: 0, processCpuMs: 0 };
if (mode === 'trivial') {
  MinIdBot.prototype.run = async function run(context: TurnContext): Promise<void> {
    await context.sendActivity(`Echo: ${context.activity.text ?? ''}`);
  };
} else {
  const original = MinIdBot.prototype.run;
  MinIdBot.prototype.run = async function run(this: MinIdBot, context: TurnContext): Promise<void> {
    const start = process.cpuUsage();
    try {
      await original.call(this, context);
    } finally {
      const used = process.cpuUsage(start);
      totals.turns += 1;
      totals.cpuMs += (used.user + used.system) / 1000;
    }
  };
  // processActivity (protected) is what both CloudAdapter.process and EdgeAdapter.processValidated
  // call: authentication, the turn, the reply body. Wrapped here, in this bench process only.
  const proto = CloudAdapter.prototype as unknown as Record<
    'processActivity',
    (...a: unknown[]) => Promise<unknown>
  >;
  const processActivity = proto.processActivity;
  proto.processActivity = async function (this: CloudAdapter, ...args: unknown[]): Promise<unknown> {
    const start = process.cpuUsage();
    try {
      return await processActivity.apply(this, args);
    } finally {
      const used = process.cpuUsage(start);
      totals.processCpuMs += (used.user + used.system) / 1000;
    }
  };
}

async function main(): Promise<void> {
  const config = loadConfig();
  const app = await buildApp(config);
  app.server.get('/bench/turn-cpu', async (_req, res) => {
    res.send(200, totals);
  });
  await listen(app.server, config.PORT, config.HOST);
  process.once('SIGTERM', () => app.server.close(() => process.exit(0)));
}

main().catch((err: unknown) => {
  process.stderr.write(`${err instanceof Error ? err.stack : String(err)}\n`);
  process.exit(1);
});
