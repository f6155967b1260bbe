import restify, { type Request, type Response, type Server } from 'restify';
import type { Activity, ActivityHandler } from 'botbuilder';
import { AuthenticationError } from 'botframework-connector';
import type { Logger } from './logging';
import type { SandboxSmsGateway } from './sms/sandbox';
import { bearerMatches, type Metrics } from './metrics';
import type { ServerLifecycle } from './http/lifecycle';
import type { EdgeAdapter } from './http/edgeAdapter';
import { ACTIVITY_BODY_LIMITS, BadRequestBodyError, parseActivity, readJsonBody } from './http/body';
import { setTurnClient } from './bot/turn';
import { registerAgentRoutes, type AgentApiDeps } from './handoff/agentApi';
import type { InternalChannels } from './channels/internal';
import type { SmsWebhook } from './channels/sms/webhook';

export interface ServerDeps {
  adapter: Pick<EdgeAdapter, 'processValidated'>;
  bot: ActivityHandler;
  logger: Logger;
  /** Readiness of every dependency (MinID service, storage, understanding model). */
  isReady: () => Promise<boolean>;
  /** The sandbox SMS outbox; given only with MINID_BACKEND=sandbox, so the route exists only there. */
  sandboxSms?: SandboxSmsGateway;
  /**
   * The pseudonym of a client address, for the per-client limits. Given only where the request's
   * address is the user's own (no Bot Framework auth: curl, the Emulator; later the web chat and SMS
   * edges); behind Azure Bot Service every request comes from Microsoft's connector, so it is absent.
   * The address is the socket's: X-Forwarded-For is not trusted, so behind a proxy all users share one.
   */
  identifyClient?: (address: string) => string;
  /** GET /metrics, behind a bearer token; absent (404) when not given. */
  metrics?: { metrics: Metrics; token: string };
  /** Counts in-flight requests for graceful shutdown; while it drains, /readyz answers 503. */
  lifecycle?: ServerLifecycle;
  /**
   * The channels the bot serves itself; `/api/messages` refuses activities claiming one of their
   * serviceUrls or conversation ids, so they can be neither driven nor read from outside.
   */
  channels?: Pick<InternalChannels, 'claims'>;
  /** POST /api/sms, the Twilio webhook; given only when TWILIO_AUTH_TOKEN is set. */
  smsWebhook?: Pick<SmsWebhook, 'register'>;
  /** The agent API of the builtin handoff hub; given only when AGENT_TOKENS names at least one agent. */
  agents?: Omit<AgentApiDeps, 'logger'>;
}

/** Routes only: /api/messages, /healthz, /readyz, /metrics (with a token) and, in the sandbox, /sandbox/sms. */
export function createServer(deps: ServerDeps): Server {
  const server = restify.createServer({
    name: 'minid-helpline-bot',
    handleUncaughtExceptions: false,
    // restify's own logger would print whole requests (headers, bodies) past our redaction. restify 11
    // logs through pino; its typings still describe the bunyan logger of older versions.
    log: deps.logger.child({ source: 'restify' }) as unknown as restify.ServerOptions['log'],
  });
  deps.lifecycle?.attach(server.server);
  server.use(restify.plugins.queryParser({ mapParams: false }));
  // No bodyParser: bodies are read by src/http/body.ts (no gzip, no multipart, a hard byte limit).

  // A malformed request line or header must not reach a handler, nor be logged as sent.
  server.server.on('clientError', (_err: Error, socket) => {
    if (socket.writable) socket.end('HTTP/1.1 400 Bad Request\r\nConnection: close\r\n\r\n');
    else socket.destroy();
  });

  server.post('/api/messages', async (req: Request, res: Response) => {
    let activity: Activity;
    try {
      // The schema checked the fields botbuilder and the bot read; the rest pass through as sent.
      activity = parseActivity(await readJsonBody(req, ACTIVITY_BODY_LIMITS)) as unknown as Activity;
    } catch (err) {
      if (!(err instanceof BadRequestBodyError)) throw err;
      deps.logger.warn({ status: err.status, reason: err.message }, 'refused request body');
      // A body left unread (too large, wrong type) would keep the socket busy: close it after answering.
      res.setHeader('connection', 'close');
      res.send(err.status, { error: err.message });
      return;
    }
    if (deps.channels?.claims(activity)) {
      deps.logger.warn('refused an activity claiming an internal channel');
      res.send(403, { error: 'this conversation is not reachable here' });
      return;
    }
    const address = req.socket.remoteAddress;
    const client = address && deps.identifyClient ? deps.identifyClient(address) : undefined;
    // Answered as CloudAdapter.process answers (the activity is already validated, so the turn is run
    // directly: see src/http/edgeAdapter.ts): the invoke response's status (200 when none) and body, which
    // for deliveryMode "expectReplies" holds the replies; 401 when authentication fails, 500 otherwise
    // (a fixed text: unlike CloudAdapter.process, the error's message is not sent).
    const answer = (status: number, body?: unknown) => {
      res.status(status);
      if (body) res.send(body);
      res.end();
    };
    try {
      const invokeResponse = await deps.adapter.processValidated(
        req.headers.authorization ?? '',
        activity,
        (context) => {
          if (client) setTurnClient(context, client);
          return deps.bot.run(context);
        },
      );
      answer(invokeResponse?.status ?? 200, invokeResponse?.body);
    } catch (err) {
      const unauthenticated = err instanceof AuthenticationError;
      if (unauthenticated) deps.logger.warn({ err }, 'unauthenticated activity');
      else deps.logger.error({ err }, 'activity failed');
      if (!res.headersSent) {
        // The error's own message is for the log, not the client.
        answer(
          unauthenticated ? 401 : 500,
          unauthenticated ? { error: 'unauthorized' } : { error: 'the activity could not be processed' },
        );
      }
    }
  });

  server.get('/healthz', async (_req: Request, res: Response) => {
    res.send(200, { status: 'ok' });
  });

  server.get('/readyz', async (_req: Request, res: Response) => {
    if (deps.lifecycle?.draining) {
      res.send(503, { status: 'draining' });
      return;
    }
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

  const exposed = deps.metrics;
  if (exposed) {
    server.get('/metrics', async (req: Request, res: Response) => {
      // One answer for a missing header, a wrong scheme and a wrong token: nothing says which it was.
      if (!bearerMatches(req.headers.authorization, exposed.token)) {
        res.setHeader('www-authenticate', 'Bearer');
        res.send(401, { error: 'unauthorized' });
        return;
      }
      const { contentType, body } = await exposed.metrics.render();
      res.writeHead(200, { 'content-type': contentType, 'cache-control': 'no-store' });
      res.end(body);
    });
  }
  deps.smsWebhook?.register(server);
  if (deps.agents) {
    registerAgentRoutes(server, { ...deps.agents, logger: deps.logger, lifecycle: deps.lifecycle });
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
