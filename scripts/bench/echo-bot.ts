/**
 * The benchmark's baseline: a bare echo bot on the same installed stack as the MinID bot (restify 11,
 * botbuilder's CloudAdapter in local mode without auth, replies returned in the body with deliveryMode
 * "expectReplies"). Nothing product-specific: no state, no dialogs, no understanding. What the MinID bot
 * costs beyond this is what the product adds per turn.
 *
 * Run: node dist/scripts/bench/echo-bot.js (PORT, default 3979). GET /readyz answers 200 once listening.
 */
import restify from 'restify';
import { ActivityHandler, CloudAdapter, ConfigurationBotFrameworkAuthentication } from 'botbuilder';

class EchoBot extends ActivityHandler {
  constructor() {
    super();
    this.onMessage(async (context, next) => {
      await context.sendActivity(`Echo: ${context.activity.text ?? ''}`);
      await next();
    });
  }
}

const adapter = new CloudAdapter(new ConfigurationBotFrameworkAuthentication({}));
const bot = new EchoBot();
const server = restify.createServer({ name: 'echo-bot' });
server.use(restify.plugins.bodyParser());
server.post('/api/messages', async (req, res) => {
  await adapter.process(req, res, (context) => bot.run(context));
});
server.get('/readyz', async (_req, res) => {
  res.send(200, { status: 'ready' });
});

const port = Number(process.env.PORT ?? 3979);
server.listen(port, '127.0.0.1');
process.once('SIGTERM', () => server.close(() => process.exit(0)));
