import restify, { type Request, type Response, type Server } from 'restify';
import type { ActivityHandler, CloudAdapter } from 'botbuilder';
import type { Logger } from './logging';
import type { SandboxSmsGateway } from './sms/sandbox';

export interface ServerDeps {
  adapter: CloudAdapter;
  bot: ActivityHandler;
  logger: Logger;
  /** Readiness of every dependency (MinID service, storage, understanding model). */
  isReady: () => Promise<boolean>;
  /** The sandbox SMS outbox; given only with MINID_BACKEND=sandbox, so the route exists only there. */
  sandboxSms?: SandboxSmsGateway;
}

/** Routes only: /api/messages, /healthz, /readyz and, in the sandbox, /sandbox/sms. */
export function createServer(deps: ServerDeps): Server {
  const server = restify.createServer({ name: 'minid-helpline-bot', handleUncaughtExceptions: false });
  server.use(restify.plugins.queryParser({ mapParams: false }));
  server.use(restify.plugins.bodyParser({ mapParams: false, maxBodySize: 256 * 1024 }));

  server.post('/api/messages', async (req: Request, res: Response) => {
    // CloudAdapter answers 200/202 itself, and for deliveryMode "expectReplies" returns the replies in the body.
    // It validates the activity before its own error handling, so a malformed one throws out of process():
    // that is the client's error (400), and its message (zod's, the adapter's) is not for the client.
    try {
      await deps.adapter.process(req, res, (context) => deps.bot.run(context));
    } catch (err) {
      deps.logger.warn({ err }, 'malformed activity');
      if (!res.headersSent) res.send(400, { error: 'the body must be a Bot Framework activity with a type' });
    }
  });

  server.get('/healthz', async (_req: Request, res: Response) => {
    res.send(200, { status: 'ok' });
  });

  server.get('/readyz', async (_req: Request, res: Response) => {
    let ready = false;
    try {
      ready = await deps.isReady();
    } catch (err) {
      deps.logger.warn({ err }, 'readiness check failed');
    }
    res.send(ready ? 200 : 503, { status: ready ? 'ready' : 'starting' });
  });

  const sms = deps.sandboxSms;
  if (sms) {
    server.get('/sandbox/sms', async (req: Request, res: Response) => {
      const raw = typeof req.query?.to === 'string' ? req.query.to : '';
      // An unencoded "+" in a query string arrives as a space ("?to=+4741234567"); read it as meant.
      const to = /^ \d+$/.test(raw) ? `+${raw.slice(1)}` : raw;
      if (!/^\+\d{6,15}$/.test(to)) {
        res.send(400, { error: 'query parameter "to" must be an E.164 number, e.g. +4741234567' });
        return;
      }
      try {
        res.send(200, await sms.messagesTo(to));
      } catch (err) {
        // The outbox lives in the shared store; when that is down the sandbox says so rather than a bare 500.
        deps.logger.warn({ err }, 'sandbox outbox unavailable');
        res.send(503, { error: 'the sandbox outbox is unavailable' });
      }
    });
  }

  server.on('restifyError', (req: Request, _res: Response, err: Error, callback: () => void) => {
    deps.logger.warn({ err, path: req.path() }, 'http error');
    callback();
  });
  return server;
}

/** Starts listening and resolves with the bound port (useful with PORT=0). */
export function listen(server: Server, port: number, host?: string): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      const address = server.address();
      resolve(typeof address === 'object' && address ? address.port : port);
    });
  });
}

/** Closes the server, letting in-flight turns finish. */
export function close(server: Server): Promise<void> {
  return new Promise((resolve) => server.close(() => resolve()));
}
