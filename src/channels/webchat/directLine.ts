import { randomBytes } from 'node:crypto';
import type { Request, Response, Server } from 'restify';
import { z } from 'zod';
import type { Activity } from 'botbuilder';
import type { Logger } from '../../logging';
import type { SharedStore } from '../../storage/shared';
import { pseudonymousKey } from '../../storage/keys';
import { BadRequestBodyError, readJsonBody, type BodyLimits } from '../../http/body';
import { setTurnClient } from '../../bot/turn';
import { maskPhone } from '../../verification/phone';
import type { InternalChannels } from '../internal';
import { DirectLineTokens, TokenRejectedError } from './tokens';
import { WebChatStore, type WebChatConversation } from './store';
import { withSmsRecorder } from './smsScope';

/**
 * The Direct Line 3.0 subset Web Chat's stock `createDirectLine({ domain, token, webSocket: false })`
 * needs, served by the bot itself (no self-hosted Direct Line server is maintained):
 *
 *   POST /v3/directline/tokens/generate                 new conversation + token (the page asks)
 *   POST /v3/directline/tokens/refresh                  a fresh token for the same conversation
 *   POST /v3/directline/conversations                   start (the welcome runs once)
 *   GET  /v3/directline/conversations/:id?watermark=    resume after a reload
 *   POST /v3/directline/conversations/:id/activities    the user's activity → { id }
 *   GET  /v3/directline/conversations/:id/activities?watermark=   polling → { activities, watermark }
 *   GET  /v3/directline/conversations/:id/sandbox/sms   sandbox only: the SMS this conversation caused
 *
 * Every call but generate carries a signed token for one conversation. Turns run in-process through
 * {@link InternalChannels}; the bot's replies (and proactive messages) come back through its sink into
 * the shared store, from which any instance serves the polls.
 */

export const WEBCHAT_CHANNEL = 'webchat';
const CONVERSATION_PREFIX = 'wc-';
const BASE = '/v3/directline';

/** New conversations per client address in the flood window. */
export const FLOOD_LIMIT = 30;
export const FLOOD_WINDOW_MS = 10 * 60_000;
/** A turn slower than this shows the typing indicator. */
export const TYPING_AFTER_MS = 400;
/** Longest text a user may post. */
export const MAX_TEXT = 4000;

const BODY_LIMITS: BodyLimits = { maxBytes: 32 * 1024, maxDepth: 8, maxNodes: 500 };

/** The words the bot's language switch understands; a `language` event is turned into one. */
const SWITCH_WORDS = { nb: 'bokmål', nn: 'nynorsk', en: 'English' } as const;
const LOCALES = { nb: 'nb-NO', nn: 'nn-NO', en: 'en-GB' } as const;

const account = z.strictObject({
  id: z.string().min(1).max(128),
  name: z.string().max(128).optional(),
  role: z.enum(['user']).optional(),
});

/** What a Web Chat client posts; anything else is refused rather than passed to the bot. */
const postedActivitySchema = z.strictObject({
  type: z.enum(['message', 'event', 'typing']),
  id: z.string().max(128).optional(),
  channelId: z.string().max(32).optional(),
  from: account,
  recipient: z.looseObject({ id: z.string().max(128) }).optional(),
  conversation: z.looseObject({ id: z.string().max(128) }).optional(),
  locale: z.string().max(35).optional(),
  localTimestamp: z.string().max(64).optional(),
  localTimezone: z.string().max(64).optional(),
  timestamp: z.string().max(64).optional(),
  text: z.string().max(MAX_TEXT).optional(),
  textFormat: z.enum(['plain', 'markdown', 'xml']).optional(),
  attachments: z.array(z.unknown()).max(0).optional(),
  channelData: z.record(z.string(), z.unknown()).optional(),
  entities: z
    .array(z.looseObject({ type: z.string().max(64) }))
    .max(5)
    .optional(),
  name: z.string().max(64).optional(),
  value: z.unknown().optional(),
  replyToId: z.string().max(256).optional(),
});
type PostedActivity = z.infer<typeof postedActivitySchema>;

const startBodySchema = z.looseObject({
  user: z.looseObject({ id: z.string().max(128).optional() }).optional(),
  locale: z.string().max(35).optional(),
});

/** A request the subset refuses, with a status and a fixed, kind message. */
class DirectLineRequestError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'DirectLineRequestError';
  }
}

/** Masks every run of six or more digits (spaces, dots and dashes between them count as one run). */
export function maskDigitRuns(text: string): string {
  return text.replace(/\d(?:[\s.\-–]?\d){5,}/g, (run) => run.replace(/\d/g, '•'));
}

/** Dependencies of the Direct Line subset, built by the composition root. */
export interface DirectLineDeps {
  channels: InternalChannels;
  shared: SharedStore;
  secret: string;
  now: () => Date;
  logger: Logger;
  tokenMinutes: number;
  maxActivities: number;
  idleTimeoutMinutes: number;
  /** The per-client limit pseudonym of an address (as /api/messages); absent when not used. */
  identifyClient?: (address: string) => string;
  /** Sandbox mode: record the SMS each conversation causes and serve them to its page. */
  sandbox: boolean;
}

/** The parts a test or the page module needs after registration. */
export interface DirectLine {
  store: WebChatStore;
  tokens: DirectLineTokens;
  serviceUrl: string;
}

/** Registers the routes and the internal channel `webchat`. */
export function registerDirectLine(server: Server, deps: DirectLineDeps): DirectLine {
  const nowMs = () => deps.now().getTime();
  const tokens = new DirectLineTokens(deps.secret, deps.tokenMinutes * 60_000, nowMs);
  const store = new WebChatStore({
    store: deps.shared,
    secret: deps.secret,
    ttlMs: deps.idleTimeoutMinutes * 60_000,
    maxActivities: deps.maxActivities,
    now: nowMs,
  });
  const serviceUrl = deps.channels.register(WEBCHAT_CHANNEL, CONVERSATION_PREFIX, {
    deliver: async (conversationId, activity) => {
      // The internal serviceUrl and the recipient are not for the page.
      const kept: Partial<Activity> = { ...activity, channelId: WEBCHAT_CHANNEL };
      delete kept.serviceUrl;
      delete kept.recipient;
      const stored = await store.append(conversationId, kept);
      return stored.id ?? '';
    },
  });

  /** Wraps a handler: token and request errors become their JSON answers, anything else (the store) a 503. */
  const handle =
    (work: (req: Request, res: Response) => Promise<void>) => async (req: Request, res: Response) => {
      try {
        await work(req, res);
      } catch (err) {
        if (err instanceof TokenRejectedError) {
          if (err.status === 401) res.setHeader('www-authenticate', 'Bearer');
          res.send(err.status, { error: { code: err.problem, message: err.message } });
        } else if (err instanceof DirectLineRequestError) {
          res.send(err.status, { error: { code: err.code, message: err.message } });
        } else if (err instanceof BadRequestBodyError) {
          res.setHeader('connection', 'close');
          res.send(err.status, { error: { code: 'BadArgument', message: err.message } });
        } else {
          deps.logger.warn({ err }, 'web chat request failed');
          if (!res.headersSent) {
            res.send(503, {
              error: { code: 'ServiceUnavailable', message: 'the chat is unavailable; try again shortly' },
            });
          }
        }
      }
    };

  const conversationOf = async (req: Request): Promise<{ id: string; record: WebChatConversation }> => {
    const id = String(req.params?.id ?? '');
    tokens.verify(req.headers.authorization, id);
    const record = await store.conversation(id);
    if (!record) {
      throw new DirectLineRequestError(404, 'NotFound', 'this conversation has ended; start a new one');
    }
    return { id, record };
  };

  const tokenAnswer = (conversationId: string) => ({
    conversationId,
    token: tokens.issue(conversationId),
    expires_in: tokens.expiresInSeconds,
  });

  const runTurn = async (req: Request, conversationId: string, activity: Partial<Activity>) => {
    const address = req.socket.remoteAddress;
    const client = address && deps.identifyClient ? deps.identifyClient(address) : undefined;
    const turn = () =>
      deps.channels.runTurn(
        {
          ...activity,
          channelId: WEBCHAT_CHANNEL,
          serviceUrl,
          conversation: { id: conversationId, isGroup: false, conversationType: 'personal', name: '' },
          recipient: { id: 'minid-bot', name: 'MinID', role: 'bot' },
        },
        (context) => {
          if (client) setTurnClient(context, client);
        },
      );
    if (!deps.sandbox) return turn();
    return withSmsRecorder(
      (to, text) =>
        store.recordSms(conversationId, { to: maskPhone(to), text, sentAt: deps.now().toISOString() }),
      turn,
    );
  };

  server.post(
    `${BASE}/tokens/generate`,
    handle(async (req, res) => {
      const address = req.socket.remoteAddress ?? 'unknown';
      const flood = await deps.shared.hit(
        pseudonymousKey('webchat:flood', deps.secret, address),
        FLOOD_WINDOW_MS,
        FLOOD_LIMIT,
        nowMs(),
      );
      if (!flood.allowed) {
        res.setHeader('retry-after', String(Math.ceil(flood.retryAfterMs / 1000)));
        throw new DirectLineRequestError(
          429,
          'TooManyRequests',
          'too many new conversations from this address; please wait a few minutes',
        );
      }
      const conversationId = deps.channels.newConversationId(WEBCHAT_CHANNEL);
      const userId = `user-${randomBytes(12).toString('base64url')}`;
      await store.create(conversationId, { userId, startedAt: nowMs() });
      res.send(200, { ...tokenAnswer(conversationId), userId });
    }),
  );

  server.post(
    `${BASE}/tokens/refresh`,
    handle(async (req, res) => {
      const { conversationId } = tokens.verify(req.headers.authorization);
      if (!(await store.conversation(conversationId))) {
        throw new DirectLineRequestError(404, 'NotFound', 'this conversation has ended; start a new one');
      }
      res.send(200, tokenAnswer(conversationId));
    }),
  );

  server.post(
    `${BASE}/conversations`,
    handle(async (req, res) => {
      const { conversationId } = tokens.verify(req.headers.authorization);
      const record = await store.conversation(conversationId);
      if (!record) {
        throw new DirectLineRequestError(404, 'NotFound', 'this conversation has ended; start a new one');
      }
      const body = hasBody(req) ? startBodySchema.safeParse(await readJsonBody(req, BODY_LIMITS)) : undefined;
      if (body && !body.success) {
        throw new DirectLineRequestError(
          400,
          'BadArgument',
          'the start request must be { "locale": "nb-NO" }',
        );
      }
      const locale = body?.data.locale;
      // The welcome runs once per conversation, also when two instances see the start at once.
      const first = await deps.shared.setIfAbsent(
        pseudonymousKey('webchat:started', deps.secret, conversationId),
        '1',
        deps.idleTimeoutMinutes * 60_000,
      );
      if (first) {
        await store.touch(conversationId, { ...record, locale });
        const user = { id: record.userId, name: '', role: 'user' };
        await runTurn(req, conversationId, {
          type: 'conversationUpdate',
          id: `start-${randomBytes(6).toString('base64url')}`,
          from: user,
          membersAdded: [user],
          locale,
          timestamp: deps.now(),
        });
      }
      res.send(first ? 201 : 200, tokenAnswer(conversationId));
    }),
  );

  server.get(
    `${BASE}/conversations/:id`,
    handle(async (req, res) => {
      const { id } = await conversationOf(req);
      res.send(200, tokenAnswer(id));
    }),
  );

  server.get(
    `${BASE}/conversations/:id/activities`,
    handle(async (req, res) => {
      const { id } = await conversationOf(req);
      const raw = typeof req.query?.watermark === 'string' ? req.query.watermark : '';
      if (!/^\d{0,12}$/.test(raw)) {
        throw new DirectLineRequestError(400, 'BadArgument', 'watermark must be the number a poll returned');
      }
      res.setHeader('cache-control', 'no-store');
      res.send(200, await store.after(id, raw === '' ? 0 : Number(raw)));
    }),
  );

  server.post(
    `${BASE}/conversations/:id/activities`,
    handle(async (req, res) => {
      const { id, record } = await conversationOf(req);
      const posted = parsePosted(await readJsonBody(req, BODY_LIMITS));
      const clientActivityID = posted.channelData?.clientActivityID;
      if (
        clientActivityID !== undefined &&
        (typeof clientActivityID !== 'string' || clientActivityID.length > 128)
      ) {
        throw new DirectLineRequestError(
          400,
          'BadArgument',
          'channelData.clientActivityID must be a short string',
        );
      }
      if (posted.type === 'typing') {
        res.send(200, { id: '' });
        return;
      }
      const lang = languageOf(posted);
      // The page's language picker is the only event the bot understands; nothing else is stored.
      if (posted.type === 'event' && !lang) {
        throw new DirectLineRequestError(
          400,
          'BadArgument',
          'the only event understood is { "name": "language", "value": "nb" | "nn" | "en" }',
        );
      }
      if (posted.type === 'message' && !posted.text?.trim()) {
        throw new DirectLineRequestError(400, 'BadArgument', 'a message needs some text');
      }
      await store.touch(id, record);
      // The echo Web Chat waits for: the user's words with every long digit run masked, so an ID
      // number, phone number or code is never stored (nor shown back) in clear.
      const echo = await store.append(id, {
        type: posted.type,
        channelId: WEBCHAT_CHANNEL,
        from: { id: posted.from.id, name: posted.from.name ?? '', role: 'user' },
        ...(posted.text !== undefined ? { text: maskDigitRuns(posted.text) } : {}),
        ...(posted.textFormat ? { textFormat: posted.textFormat } : {}),
        ...(posted.locale ? { locale: posted.locale } : {}),
        ...(posted.type === 'event' ? { name: posted.name, value: lang } : {}),
        channelData: clientActivityID ? { clientActivityID } : {},
      });
      if (posted.type === 'message' || lang) {
        // The bot sees the words as typed; a language event becomes the switch word the bot understands.
        const text = lang ? SWITCH_WORDS[lang] : (posted.text ?? '');
        const typing = setTimeout(() => {
          void store
            .append(id, {
              type: 'typing',
              channelId: WEBCHAT_CHANNEL,
              from: { id: 'minid-bot', name: 'MinID', role: 'bot' },
            })
            .catch(() => undefined);
        }, TYPING_AFTER_MS);
        try {
          await runTurn(req, id, {
            type: 'message',
            id: echo.id,
            from: { id: record.userId, name: posted.from.name ?? '', role: 'user' },
            text,
            locale: lang ? LOCALES[lang] : posted.locale,
            timestamp: deps.now(),
            channelData: clientActivityID ? { clientActivityID } : undefined,
          });
        } finally {
          clearTimeout(typing);
        }
      }
      res.send(200, { id: echo.id });
    }),
  );

  if (deps.sandbox) {
    server.get(
      `${BASE}/conversations/:id/sandbox/sms`,
      handle(async (req, res) => {
        const { id } = await conversationOf(req);
        res.setHeader('cache-control', 'no-store');
        res.send(200, { messages: await store.smsOf(id) });
      }),
    );
  }

  return { store, tokens, serviceUrl };
}

function hasBody(req: Request): boolean {
  const length = Number(req.headers['content-length'] ?? 0);
  return length > 0 || req.headers['transfer-encoding'] !== undefined;
}

/** The language a posted `language` event asks for. */
function languageOf(posted: PostedActivity): 'nb' | 'nn' | 'en' | undefined {
  if (posted.type !== 'event' || posted.name !== 'language') return undefined;
  return posted.value === 'nb' || posted.value === 'nn' || posted.value === 'en' ? posted.value : undefined;
}

/** Parses a posted activity; the error names the first problem in words a client developer can act on. */
function parsePosted(body: unknown): PostedActivity {
  const result = postedActivitySchema.safeParse(body);
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  const field = issue.path.map(String).join('.');
  let message: string;
  if (issue.code === 'unrecognized_keys') {
    const keys = issue.keys.map((k) => k.replace(/[^\w:-]/g, '').slice(0, 40)).join(', ');
    message = `unknown field(s) ${keys}${field ? ` in ${field}` : ''}; only Direct Line activity fields are accepted`;
  } else if (field === 'from' || field.startsWith('from.')) {
    message = 'the activity needs "from" with the user\'s "id"';
  } else if (field === 'type') {
    message = 'the activity "type" must be message, event or typing';
  } else if (field === 'text') {
    message = `"text" must be a string of at most ${MAX_TEXT} characters`;
  } else if (field.startsWith('attachments')) {
    message = 'attachments are not accepted here';
  } else if (!field) {
    message = 'the body must be a Direct Line activity object';
  } else {
    message = `the field "${field.replace(/[^\w.:-]/g, '').slice(0, 60)}" has the wrong type or size`;
  }
  throw new DirectLineRequestError(400, 'BadArgument', message);
}
