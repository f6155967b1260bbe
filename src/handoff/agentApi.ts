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
import type { Availability } from './hours';

export interface AgentApiDeps {
  hub: Hub;
  agents: readonly AgentAccount[];
  logger: Logger;
  /** The configured opening hours and whether support is open now (for the console). */
  availability: () => Availability & { hours: string };
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
      res.send(
        200,
        waiting.map(({ id, language, channel, waitingSince, summary }) => ({
          id,
          language,
          channel,
          waitingSince,
          summary,
        })),
      );
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
