/**
 * The agent API of the builtin hub: support agents list the queue, accept a handoff, exchange messages
 * and end it. Every call carries `Authorization: Bearer <token>` of an agent from AGENT_TOKENS; anything
 * else gets 401 without saying what was wrong. Refusals are short fixed texts, never echoing input.
 */
import type { Request, Response, Server } from 'restify';
import { z } from 'zod';
import type { Logger } from '../logging';
import { BadRequestBodyError, readJsonBody, type BodyLimits } from '../http/body';
import { agentForToken, type AgentAccount } from './agents';
import { isHandoffId } from './builtinHub';
import type { AgentRefusal, AgentResult, Hub } from './hub';
import { parseWeeklyHours, type Availability } from './hours';
import { AgentStreams, queueItem, type HubPoller, type StreamHolder } from './agentEvents';
import { registerAgentConsole } from './agentConsole';

export interface AgentApiDeps {
  hub: Hub;
  agents: readonly AgentAccount[];
  logger: Logger;
  /** The configured opening hours and whether support is open now (for the console). */
  availability: () => Availability & { hours: string };
  /** The process's one poller feeding the event streams. */
  poller: HubPoller;
  /** The app's clock (FIXED_NOW, tests); /me tells the console the server's time. Default: system time. */
  clock?: () => Date;
  /** Ends open event streams when the server drains (ServerLifecycle). */
  lifecycle?: StreamHolder;
}

/** One opening interval of a weekday (1 = Monday ... 7 = Sunday), times as HH:MM in Europe/Oslo. */
export interface WeeklyInterval {
  day: number;
  open: string;
  close: string;
}

function hhmm(minutes: number): string {
  return `${String(Math.floor(minutes / 60)).padStart(2, '0')}:${String(minutes % 60).padStart(2, '0')}`;
}

/** The configured weekly hours as a list the console can render in any language. */
export function weeklyIntervals(hours: string): WeeklyInterval[] {
  const weekly = parseWeeklyHours(hours);
  const out: WeeklyInterval[] = [];
  for (let day = 1; day <= 7; day += 1) {
    for (const { open, close } of weekly[day] ?? []) out.push({ day, open: hhmm(open), close: hhmm(close) });
  }
  return out;
}

/** Longest agent message, in characters. */
export const MAX_AGENT_TEXT = 2000;
const MESSAGE_BODY_LIMITS: BodyLimits = { maxBytes: 16 * 1024, maxDepth: 4, maxNodes: 16 };
const MessageBody = z.object({ text: z.string().trim().min(1).max(MAX_AGENT_TEXT) }).strict();

const REFUSALS: Record<AgentRefusal, [number, string]> = {
  'not-found': [404, 'no such handoff'],
  taken: [409, 'another agent has already accepted this handoff'],
  'not-waiting': [409, 'this handoff is no longer waiting'],
  'not-active': [409, 'this handoff is not active'],
  'not-yours': [403, 'this handoff is held by another agent'],
  'too-many': [409, 'this handoff has reached its message limit; end it'],
};

type Handler = (req: Request, res: Response, agent: AgentAccount) => Promise<void>;

/** Registers /api/agent/* on the server; call only when at least one agent is configured. */
export function registerAgentRoutes(server: Server, deps: AgentApiDeps): void {
  const { hub, logger } = deps;
  const streams = new AgentStreams({ poller: deps.poller, logger, lifecycle: deps.lifecycle });
  registerAgentConsole(server);

  /** Authenticates, then runs the handler; a store failure is a 503, never a stack trace. */
  const guarded =
    (handler: Handler) =>
    async (req: Request, res: Response): Promise<void> => {
      const header = String(req.headers.authorization ?? '');
      const match = /^Bearer ([\x21-\x7e]{1,512})$/.exec(header.trim());
      const agent = match ? agentForToken(deps.agents, match[1]) : undefined;
      if (!agent) {
        logger.warn({ path: req.path() }, 'agent API: unauthenticated call refused');
        res.setHeader('www-authenticate', 'Bearer');
        res.send(401, { error: 'unauthorized' });
        return;
      }
      try {
        await handler(req, res, agent);
      } catch (err) {
        if (err instanceof BadRequestBodyError) {
          res.setHeader('connection', 'close');
          res.send(err.status, { error: err.message });
          return;
        }
        logger.warn({ err, path: req.path() }, 'agent API call failed');
        if (!res.headersSent) res.send(503, { error: 'the handoff service is unavailable; try again' });
      }
    };

  /** The `:id` parameter when it is shaped like a handoff id; answers 404 otherwise. */
  const handoffId = (req: Request, res: Response): string | undefined => {
    const id = String(req.params?.id ?? '');
    if (isHandoffId(id)) return id;
    res.send(404, { error: 'no such handoff' });
    return undefined;
  };

  const answer = (res: Response, result: AgentResult, ok: Record<string, unknown>): void => {
    if (result.ok) {
      res.send(200, ok);
      return;
    }
    const [status, error] = REFUSALS[result.refusal];
    res.send(status, { error });
  };

  server.get(
    '/api/agent/queue',
    guarded(async (_req, res) => {
      const waiting = await hub.queue();
      res.send(200, waiting.map(queueItem));
    }),
  );

  server.get(
    '/api/agent/me',
    guarded(async (_req, res, agent) => {
      const availability = deps.availability();
      res.setHeader('cache-control', 'no-store');
      res.send(200, {
        name: agent.name,
        now: (deps.clock ?? (() => new Date()))().toISOString(),
        hours: { ...availability, weekly: weeklyIntervals(availability.hours) },
      });
    }),
  );

  /** Answers a refused stream (429 too many, 503 draining) with its short message. */
  const refuse = (res: Response, refusal: { status: number; error: string } | undefined): void => {
    if (refusal) res.send(refusal.status, { error: refusal.error });
  };

  server.get(
    '/api/agent/events',
    guarded(async (_req, res, agent) => {
      refuse(res, streams.queue(res, agent.name));
    }),
  );

  server.get(
    '/api/agent/handoffs/:id/events',
    guarded(async (req, res, agent) => {
      const id = handoffId(req, res);
      if (!id) return;
      // `after` in the query, or the Last-Event-ID a reconnecting client sends: resume after that message.
      const raw = req.query?.after ?? req.headers['last-event-id'];
      if (raw !== undefined && (typeof raw !== 'string' || !/^\d{1,6}$/.test(raw))) {
        res.send(400, { error: 'query parameter "after" must be a whole number' });
        return;
      }
      if (!(await hub.view(id))) {
        res.send(404, { error: 'no such handoff' });
        return;
      }
      refuse(res, streams.handoff(res, agent.name, id, raw === undefined ? 0 : Number(raw)));
    }),
  );

  server.get(
    '/api/agent/hours',
    guarded(async (_req, res) => {
      res.send(200, deps.availability());
    }),
  );

  server.get(
    '/api/agent/handoffs/:id',
    guarded(async (req, res) => {
      const id = handoffId(req, res);
      if (!id) return;
      const view = await hub.view(id);
      if (!view) res.send(404, { error: 'no such handoff' });
      else res.send(200, view);
    }),
  );

  server.post(
    '/api/agent/handoffs/:id/accept',
    guarded(async (req, res, agent) => {
      const id = handoffId(req, res);
      if (id) answer(res, await hub.accept(id, agent.name), { id, status: 'active', agent: agent.name });
    }),
  );

  server.post(
    '/api/agent/handoffs/:id/messages',
    guarded(async (req, res, agent) => {
      const id = handoffId(req, res);
      if (!id) return;
      const parsed = MessageBody.safeParse(await readJsonBody(req, MESSAGE_BODY_LIMITS));
      if (!parsed.success) {
        res.send(400, { error: `the body must be {"text": "..."} with 1 to ${MAX_AGENT_TEXT} characters` });
        return;
      }
      answer(res, await hub.fromAgent(id, agent.name, parsed.data.text), { id, status: 'sent' });
    }),
  );

  server.get(
    '/api/agent/handoffs/:id/messages',
    guarded(async (req, res) => {
      const id = handoffId(req, res);
      if (!id) return;
      const raw = req.query?.after;
      if (raw !== undefined && (typeof raw !== 'string' || !/^\d{1,6}$/.test(raw))) {
        res.send(400, { error: 'query parameter "after" must be a whole number' });
        return;
      }
      const messages = await hub.messages(id, raw === undefined ? 0 : Number(raw));
      if (!messages) res.send(404, { error: 'no such handoff' });
      else res.send(200, messages);
    }),
  );

  server.post(
    '/api/agent/handoffs/:id/end',
    guarded(async (req, res, agent) => {
      const id = handoffId(req, res);
      if (id) answer(res, await hub.end(id, agent.name), { id, status: 'ended' });
    }),
  );
}
