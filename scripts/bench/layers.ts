/**
 * Where a turn's CPU goes between the socket and the bot, in one process so a busy machine disturbs every
 * layer alike: the same scenarios driven through three layers, each with the real turn and with the echo
 * bot's trivial turn, CPU per turn as the best of several trials (layers alternate within each trial):
 *   bot      the bot's run through a bare adapter that collects replies (as inproc.ts);
 *   adapter  botbuilder's CloudAdapter.process with the app's reusing authentication, a stand-in request
 *            (the parsed body) and response (the body stringified as restify would);
 *   http     the whole app (buildApp: restify, body checks, claims, the CloudAdapter) over loopback,
 *            driven by the keep-alive client from this process, so the client's CPU is in it: compare
 *            its real minus trivial with the other layers', not its absolute figure.
 * real − trivial is what the turn costs at that layer; if it grows from bot to adapter to http, the
 * layers make the bot's turn dearer (not only add their own fixed cost).
 *
 *   npm run build && node dist/scripts/bench/layers.js [--conversations 150] [--trials 5] [--users 20]
 */
import { randomBytes } from 'node:crypto';
import type { Activity, TurnContext } from 'botbuilder';
import { buildApp, buildBot } from '../../src/index';
import { loadConfig } from '../../src/config';
import { CollectingAdapter, numberArg } from './collecting';
import { MinIdBot } from '../../src/bot/minidBot';
import { createServer, listen } from '../../src/server';
import { ReusingBotFrameworkAuthentication } from '../../src/http/reusingAuthentication';
import { EdgeAdapter } from '../../src/http/edgeAdapter';
import { BenchClient, messageActivity } from './client';
import { conversationIo } from './load';
import { echoChat, orderFlow, type ConversationIo, type Scenario } from './scenarios';

// The trivial turn, switched on per measurement; the app's bot is the same class.
let trivial = false;
const realRun = MinIdBot.prototype.run;
MinIdBot.prototype.run = async function run(this: MinIdBot, context: TurnContext): Promise<void> {
  if (!trivial) return realRun.call(this, context);
  await context.sendActivity(`Echo: ${context.activity.text ?? ''}`);
};

/** The message texts of an expectReplies body. */
function texts(body: unknown): string[] {
  const activities = (body as { activities?: Partial<Activity>[] } | undefined)?.activities ?? [];
  return activities.filter((a) => a.type === 'message').map((a) => a.text ?? '');
}

async function main(): Promise<void> {
  const config = loadConfig({
    ...process.env,
    LOG_LEVEL: 'warn',
    MINID_BACKEND: 'sandbox',
    STORAGE: 'memory',
    LIMIT_CLIENT_ADDRESS: 'false',
    PRIVACY_SECRET: randomBytes(32).toString('hex'),
    PORT: '0',
  });
  const built = await buildBot(config);
  const app = await buildApp(config);
  const port = await listen(app.server, 0, '127.0.0.1');
  const collecting = new CollectingAdapter();
  const cloud = new EdgeAdapter(new ReusingBotFrameworkAuthentication({}));
  // A fresh pool per run: sockets left idle while other layers run would hit the server's keep-alive timeout.
  let client = new BenchClient(64);
  // Our server around the same bot and adapter as the first two layers (no lifecycle, metrics, claims).
  const bare = createServer({
    adapter: cloud,
    bot: built.bot,
    logger: built.logger,
    isReady: async () => true,
    sandboxSms: built.sms,
  });
  const barePort = await listen(bare, 0, '127.0.0.1');
  let turns = 0;
  const code = async (phone: string) => {
    const sent = await built.sms.messagesTo(phone);
    const found = /\b(\d{6})\b/.exec(sent[sent.length - 1]?.text ?? '')?.[1];
    if (!found) throw new Error('no code in the sandbox outbox');
    return found;
  };
  const botIo = (conversation: string, macrotask: boolean): ConversationIo => ({
    async turn(text) {
      turns += 1;
      if (macrotask) await new Promise((resolve) => setImmediate(resolve));
      const activity = messageActivity(conversation, `user-${conversation}`, text) as Partial<Activity>;
      const replies = await collecting.turn(activity, (context) => built.bot.run(context));
      return replies.map((r) => r.text ?? '');
    },
    latestCode: code,
  });
  const layers: Record<string, (conversation: string) => ConversationIo> = {
    bot: (conversation) => botIo(conversation, false),
    // Each turn starts in its own event-loop callback, as a request does: the users' turns then run one
    // after another instead of in lock-step through the microtask queue (every user the same step back
    // to back, caches hot), which is what the plain bot layer and inproc.ts without --macrotask measure.
    'bot-macrotask': (conversation) => botIo(conversation, true),
    adapter: (conversation) => ({
      async turn(text) {
        turns += 1;
        let sent: unknown;
        const res = {
          status: () => undefined,
          header: () => undefined,
          send: (body: unknown) => {
            // restify's JSON formatter, as the server answers.
            sent = JSON.parse(JSON.stringify(body)) as unknown;
          },
          end: () => undefined,
        };
        const req = {
          method: 'POST',
          headers: {},
          body: messageActivity(conversation, `user-${conversation}`, text),
        };
        await cloud.process(req as never, res as never, (context) => built.bot.run(context));
        return texts(sent);
      },
      latestCode: code,
    }),
    server: (conversation) => {
      const io = conversationIo(client, () => barePort, conversation, `user-${conversation}`);
      return {
        async turn(text) {
          turns += 1;
          return io.turn(text);
        },
        latestCode: (phone) => io.latestCode(phone),
      };
    },
    http: (conversation) => {
      const io = conversationIo(client, () => port, conversation, `user-${conversation}`);
      return {
        async turn(text) {
          turns += 1;
          return io.turn(text);
        },
        latestCode: (phone) => io.latestCode(phone),
      };
    },
  };

  const conversations = numberArg('conversations', 150);
  const trials = numberArg('trials', 5);
  const users = numberArg('users', 20);
  let n = 0;
  const run = async (layer: string, scenario: Scenario): Promise<number> => {
    trivial = scenario === echoChat;
    client.close();
    client = new BenchClient(64);
    let left = conversations;
    turns = 0;
    const start = process.cpuUsage();
    await Promise.all(
      Array.from({ length: users }, async () => {
        while (left > 0) {
          left -= 1;
          n += 1;
          await scenario.run(layers[layer](`layers-${layer.replace(/\W+/g, '')}-${n}`), n);
        }
      }),
    );
    const used = process.cpuUsage(start);
    if (process.argv.includes('--split')) {
      console.log(
        `${layer} ${scenario.name}: user ${(used.user / 1000 / turns).toFixed(3)} system ${(used.system / 1000 / turns).toFixed(3)} ms/turn`,
      );
    }
    return (used.user + used.system) / 1000 / turns;
  };
  // --layers a,b and --real-only narrow the run (e.g. to profile one layer).
  const li = process.argv.indexOf('--layers');
  const chosen = li >= 0 ? process.argv[li + 1].split(',') : Object.keys(layers);
  const scenarios = process.argv.includes('--real-only') ? [orderFlow] : [orderFlow, echoChat];
  const cases = chosen.flatMap((layer) => scenarios.map((s) => ({ layer, s })));
  const best = new Map<string, number>();
  for (let t = -1; t < trials; t += 1) {
    for (const { layer, s } of cases) {
      const ms = await run(layer, s);
      const key = `${layer}|${s.name}`;
      if (t >= 0) best.set(key, Math.min(best.get(key) ?? Infinity, ms));
    }
  }
  console.log(`CPU ms per turn, best of ${trials} trials × ${conversations} conversations, ${users} at once`);
  console.log(
    `${'layer'.padEnd(16)} ${'real turn'.padStart(10)} ${'trivial'.padStart(10)} ${'real−triv'.padStart(10)}`,
  );
  for (const layer of chosen) {
    const real = best.get(`${layer}|${orderFlow.name}`)!;
    const triv = best.get(`${layer}|${echoChat.name}`) ?? NaN;
    console.log(
      `${layer.padEnd(16)} ${real.toFixed(3).padStart(10)} ${triv.toFixed(3).padStart(10)} ${(real - triv).toFixed(3).padStart(10)}`,
    );
  }
  client.close();
  await new Promise<void>((resolve) => app.server.close(() => resolve()));
  await new Promise<void>((resolve) => bare.close(() => resolve()));
  await app.close();
  await built.close();
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
