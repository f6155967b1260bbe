/**
 * The bot's own cost per turn, in this process and without HTTP: the composition root's bot (memory
 * state, sandbox services) driven through a bare adapter that only collects replies, over the same
 * order flow and question mix as `npm run bench`. CPU per turn is the best of several trials, so a busy
 * machine disturbs it far less than the end-to-end rounds, and a `node --cpu-prof` of this script shows
 * the bot's turn alone (no restify, no CloudAdapter, no sockets).
 *
 *   npm run build && node dist/scripts/bench/inproc.js [--conversations N] [--trials N] [--users N]
 *     [--only order|questions] [--macrotask]
 *   node --cpu-prof --cpu-prof-dir /tmp/inproc dist/scripts/bench/inproc.js
 */
import { buildBot } from '../../src/index';
import { loadConfig } from '../../src/config';
import { CollectingAdapter, numberArg } from './collecting';
import { orderFlow, questionMix, type ConversationIo, type Scenario } from './scenarios';

const macrotask = process.argv.includes('--macrotask');

async function main(): Promise<void> {
  const config = loadConfig({
    ...process.env,
    LOG_LEVEL: 'warn',
    MINID_BACKEND: 'sandbox',
    STORAGE: 'memory',
  });
  const built = await buildBot(config);
  const adapter = new CollectingAdapter();
  let turns = 0;
  let serial = 0;
  const io = (conversation: string): ConversationIo => ({
    async turn(text) {
      turns += 1;
      // --macrotask: each turn starts in its own event-loop callback, as an HTTP request does. Without it
      // the simulated users' turns advance in lock-step through the microtask queue (every user runs the
      // same step back to back, caches hot), which made a turn look ~0.6 ms cheaper at 20 users than it
      // is in the server (scripts/bench/layers.ts).
      if (macrotask) await new Promise((resolve) => setImmediate(resolve));
      const replies = await adapter.turn(
        {
          type: 'message',
          id: `m${(serial += 1)}`,
          text,
          locale: 'nb-NO',
          channelId: 'webchat',
          serviceUrl: 'http://127.0.0.1:9',
          from: { id: `user-${conversation}`, name: '' },
          recipient: { id: 'bot', name: '' },
          conversation: { id: conversation, name: '', isGroup: false, conversationType: 'personal' },
          timestamp: new Date(),
        },
        (context) => built.bot.run(context),
      );
      return replies.map((r) => r.text ?? '');
    },
    async latestCode(phone) {
      const sent = await built.sms.messagesTo(phone);
      const code = /\b(\d{6})\b/.exec(sent[sent.length - 1]?.text ?? '')?.[1];
      if (!code) throw new Error('no code in the sandbox outbox');
      return code;
    },
  });

  const conversations = numberArg('conversations', 400);
  const trials = numberArg('trials', 5);
  const users = numberArg('users', 1);
  let n = 0;
  const measure = async (scenario: Scenario): Promise<number> => {
    // `users` conversations at once, as the load generator's simulated users interleave their turns.
    const run = async () => {
      let left = conversations;
      const user = async () => {
        while (left > 0) {
          left -= 1;
          n += 1;
          await scenario.run(io(`bench-${scenario.name}-${n}`), n);
        }
      };
      await Promise.all(Array.from({ length: users }, user));
    };
    await run();
    let best = Infinity;
    for (let t = 0; t < trials; t += 1) {
      turns = 0;
      const start = process.cpuUsage();
      await run();
      const used = process.cpuUsage(start);
      best = Math.min(best, (used.user + used.system) / 1000 / turns);
    }
    return best;
  };
  const only = process.argv.includes('--only') ? process.argv[process.argv.indexOf('--only') + 1] : undefined;
  for (const scenario of [orderFlow, questionMix].filter((s) => !only || s.name.startsWith(only))) {
    const ms = await measure(scenario);
    console.log(
      `${scenario.name}: ${ms.toFixed(3)} CPU ms per turn (best of ${trials} × ${conversations} conversations, ${users} at once, in-process)`,
    );
  }
  await built.close();
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
