import type { IncomingMessage } from 'node:http';
import { z } from 'zod';

/**
 * Reading request bodies at the edge, by hand instead of restify's bodyParser: that parser inflates gzip
 * after its size check (a 255 KB bomb became 250 MB), lets a corrupt gzip stream throw out of the request
 * and kill the process, and writes multipart file parts to /tmp. Here a body is identity-encoded JSON,
 * read up to a byte limit, parsed, and checked for depth and size before anyone looks at it.
 */

/** A body the edge refuses; `status` and `message` are safe to send (fixed text, nothing echoed). */
export class BadRequestBodyError extends Error {
  constructor(
    public readonly status: 400 | 413 | 415,
    message: string,
  ) {
    super(message);
    this.name = 'BadRequestBodyError';
  }
}

/** Limits of {@link readJsonBody}. */
export interface BodyLimits {
  maxBytes: number;
  maxDepth: number;
  /** Objects, arrays and values in all: a flat 200 KB array of numbers is as hostile as deep nesting. */
  maxNodes: number;
}

export const ACTIVITY_BODY_LIMITS: BodyLimits = { maxBytes: 256 * 1024, maxDepth: 32, maxNodes: 20_000 };

/**
 * The body as text, once it is uncompressed, of the one accepted media type and within `maxBytes`
 * (declared and actual); throws BadRequestBodyError with the status to answer.
 */
async function readTypedText(req: IncomingMessage, mediaType: string, maxBytes: number): Promise<string> {
  const encoding = String(req.headers['content-encoding'] ?? 'identity')
    .trim()
    .toLowerCase();
  if (encoding !== 'identity' && encoding !== '') {
    throw new BadRequestBodyError(415, 'content-encoding is not accepted; send the body uncompressed');
  }
  const type = String(req.headers['content-type'] ?? '')
    .split(';')[0]
    .trim()
    .toLowerCase();
  if (type !== mediaType) {
    throw new BadRequestBodyError(415, `the body must be ${mediaType}`);
  }
  const declared = Number(req.headers['content-length']);
  if (Number.isFinite(declared) && declared > maxBytes) {
    throw new BadRequestBodyError(413, 'the body is too large');
  }
  return readLimited(req, maxBytes);
}

/** Reads and parses a JSON body; throws BadRequestBodyError with the status to answer. */
export async function readJsonBody(req: IncomingMessage, limits: BodyLimits): Promise<unknown> {
  const text = await readTypedText(req, 'application/json', limits.maxBytes);
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new BadRequestBodyError(400, 'the body is not valid JSON');
  }
  checkShape(parsed, limits);
  return parsed;
}

function readLimited(req: IncomingMessage, maxBytes: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let done = false;
    const finish = (err?: BadRequestBodyError) => {
      if (done) return;
      done = true;
      req.off('data', onData);
      if (err) {
        // Stop reading the rest; the caller answers and the socket is closed after the answer.
        req.pause();
        reject(err);
      } else {
        resolve(Buffer.concat(chunks).toString('utf8'));
      }
    };
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size > maxBytes) finish(new BadRequestBodyError(413, 'the body is too large'));
      else chunks.push(chunk);
    };
    req.on('data', onData);
    req.once('end', () => finish());
    req.once('error', () => finish(new BadRequestBodyError(400, 'the body could not be read')));
  });
}

/** Depth and node count, iteratively (a recursive walk of hostile nesting is itself a stack risk). */
function checkShape(value: unknown, limits: BodyLimits): void {
  const stack: Array<{ value: unknown; depth: number }> = [{ value, depth: 0 }];
  let nodes = 0;
  while (stack.length) {
    const { value: current, depth } = stack.pop()!;
    nodes += 1;
    if (nodes > limits.maxNodes) throw new BadRequestBodyError(400, 'the body has too many values');
    if (current !== null && typeof current === 'object') {
      if (depth >= limits.maxDepth) throw new BadRequestBodyError(400, 'the body is nested too deeply');
      for (const child of Object.values(current)) stack.push({ value: child, depth: depth + 1 });
    }
  }
}

const id = z.string().min(1).max(512);
const account = z.looseObject({
  id,
  name: z.string().max(256).optional(),
  role: z.string().max(64).optional(),
});

/**
 * The fields of an activity the bot and botbuilder read, with their types and sizes. Everything else is
 * passed through untouched (channels add their own fields), but a number where botbuilder expects a
 * string would otherwise reach it and come back as a 500 with its internal message.
 */
export const activitySchema = z.looseObject({
  type: z.string().min(1).max(64),
  id: z.string().max(512).optional(),
  text: z
    .string()
    .max(8 * 1024)
    .optional(),
  locale: z.string().max(32).optional(),
  channelId: z.string().min(1).max(64),
  serviceUrl: z.url({ protocol: /^https?$/ }).max(2048),
  timestamp: z.string().max(64).optional(),
  deliveryMode: z.string().max(32).optional(),
  conversation: z.looseObject({ id, name: z.string().max(256).optional() }),
  from: account,
  recipient: account.optional(),
  replyToId: z.string().max(512).optional(),
  membersAdded: z.array(account).max(50).optional(),
  membersRemoved: z.array(account).max(50).optional(),
  entities: z
    .array(z.looseObject({ type: z.string().max(128) }))
    .max(20)
    .optional(),
  attachments: z
    .array(z.looseObject({ contentType: z.string().max(256) }))
    .max(10)
    .optional(),
  name: z.string().max(256).optional(),
  channelData: z.record(z.string(), z.unknown()).optional(),
  value: z.unknown().optional(),
});

type Json = Record<string, unknown>;

function isJsonObject(value: unknown): value is Json {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const proto = Object.getPrototypeOf(value) as unknown;
  return proto === Object.prototype || proto === null;
}

/** Absent, or a string of at most `max` UTF-16 units, as zod's string checks count. */
function optionalText(value: unknown, max: number): boolean {
  return value === undefined || (typeof value === 'string' && value.length <= max);
}

/** A string of 1 to `max` UTF-16 units. */
function requiredText(value: unknown, max: number): boolean {
  return typeof value === 'string' && value.length >= 1 && value.length <= max;
}

function isAccount(value: unknown): boolean {
  return (
    isJsonObject(value) &&
    requiredText(value.id, 512) &&
    optionalText(value.name, 256) &&
    optionalText(value.role, 64)
  );
}

function isListOf(value: unknown, max: number, item: (entry: unknown) => boolean): boolean {
  return value === undefined || (Array.isArray(value) && value.length <= max && value.every(item));
}

/** http(s) with "://", nothing zod would trim or strip (whitespace, tabs, newlines, controls), parseable. */
const PLAIN_HTTP_URL = /^https?:\/\/\S+$/i;
const CONTROL = /\p{Cc}/u;

/**
 * The common case of {@link activitySchema}, checked in plain code: true only for bodies the schema
 * accepts and returns unchanged. The schema runs for everything else (and gives the refusal). zod's
 * generic machinery costs 2–3 µs a call in a tight loop but 50–150 µs in the server, where each request
 * finds it out of the CPU caches (measured with hrtime around the call under `npm run bench` load): ~5 %
 * of a turn. test/http/body.test.ts checks, on generated and hostile bodies, that whatever this accepts
 * the schema accepts with the same result.
 */
export function isPlainActivity(body: unknown): boolean {
  if (!isJsonObject(body)) return false;
  const a = body;
  return (
    requiredText(a.type, 64) &&
    optionalText(a.id, 512) &&
    optionalText(a.text, 8 * 1024) &&
    optionalText(a.locale, 32) &&
    requiredText(a.channelId, 64) &&
    typeof a.serviceUrl === 'string' &&
    a.serviceUrl.length <= 2048 &&
    PLAIN_HTTP_URL.test(a.serviceUrl) &&
    !CONTROL.test(a.serviceUrl) &&
    URL.canParse(a.serviceUrl) &&
    optionalText(a.timestamp, 64) &&
    optionalText(a.deliveryMode, 32) &&
    isJsonObject(a.conversation) &&
    requiredText(a.conversation.id, 512) &&
    optionalText(a.conversation.name, 256) &&
    isAccount(a.from) &&
    (a.recipient === undefined || isAccount(a.recipient)) &&
    optionalText(a.replyToId, 512) &&
    isListOf(a.membersAdded, 50, isAccount) &&
    isListOf(a.membersRemoved, 50, isAccount) &&
    isListOf(a.entities, 20, (e) => isJsonObject(e) && typeof e.type === 'string' && e.type.length <= 128) &&
    isListOf(
      a.attachments,
      10,
      (e) => isJsonObject(e) && typeof e.contentType === 'string' && e.contentType.length <= 256,
    ) &&
    optionalText(a.name, 256) &&
    (a.channelData === undefined || isJsonObject(a.channelData))
  );
}

/** Parses a request body as an activity; throws BadRequestBodyError(400) with a fixed message. */
export function parseActivity(body: unknown): z.output<typeof activitySchema> {
  if (isPlainActivity(body)) return body as z.output<typeof activitySchema>;
  const result = activitySchema.safeParse(body);
  if (!result.success) {
    throw new BadRequestBodyError(
      400,
      'the body must be a Bot Framework activity (type, channelId, serviceUrl, conversation.id, from.id)',
    );
  }
  return result.data;
}

/** Limits of {@link readFormBody}. */
export interface FormLimits {
  maxBytes: number;
  /** Fields in all, repeated names counted each time. */
  maxFields: number;
}

/** A Twilio webhook carries some 20 short fields; an SMS body is at most 1600 characters. */
export const SMS_FORM_LIMITS: FormLimits = { maxBytes: 16 * 1024, maxFields: 64 };

/**
 * Reads an `application/x-www-form-urlencoded` body (identity encoding, up to a byte and field limit);
 * a repeated name keeps all its values, in order. Throws BadRequestBodyError with the status to answer.
 */
export async function readFormBody(
  req: IncomingMessage,
  limits: FormLimits,
): Promise<Record<string, string | string[]>> {
  const text = await readTypedText(req, 'application/x-www-form-urlencoded', limits.maxBytes);
  if ((text.match(/&/g)?.length ?? 0) >= limits.maxFields) {
    throw new BadRequestBodyError(400, 'the body has too many fields');
  }
  const fields: Record<string, string | string[]> = Object.create(null) as Record<string, string | string[]>;
  // URLSearchParams never throws: a malformed %-escape is kept as written, which a signature then fails.
  for (const [name, value] of new URLSearchParams(text)) {
    const seen = fields[name];
    fields[name] = seen === undefined ? value : [...(typeof seen === 'string' ? [seen] : seen), value];
  }
  return fields;
}
