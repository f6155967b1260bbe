import { format } from 'node:util';
import pino, { type Bindings, type DestinationStream, type Logger } from 'pino';
import { redactText, redactValue, REDACTED } from './privacy/redact';

export type { Logger };

// Keys that carry personal data by name; their values never reach the log, whatever they look like.
const SENSITIVE_KEYS = [
  'nationalId',
  'fnr',
  'phone',
  'phoneNumber',
  'mobile',
  'code',
  'otp',
  'password',
  'text',
  'value',
  'MicrosoftAppPassword',
  'authorization',
];
const REDACT_PATHS = [
  ...SENSITIVE_KEYS,
  ...SENSITIVE_KEYS.map((k) => `*.${k}`),
  ...SENSITIVE_KEYS.map((k) => `*.*.${k}`),
  // Whole header sets: they carry Authorization and cookies; a logged request never shows them.
  'headers',
  '*.headers',
  '*.*.headers',
];

function serializeError(err: unknown): unknown {
  // formatters.log runs before serializers and has already made errors redacted plain objects.
  if (err !== null && typeof err === 'object') return redactValue(err);
  return { type: typeof err, message: redactText(String(err)) };
}

/** Keys under which libraries (restify, http clients) log whole request/response objects. */
const HTTP_OBJECT_KEYS = ['req', 'res', 'request', 'response', 'socket'] as const;

/**
 * A request or response logged by a library is cut down to what an operator needs: method, path without
 * its query (a query can carry a phone number), status. The objects themselves hold raw headers (a
 * bearer token, cookies), the body (ID numbers) and the socket graph, and are never logged whole.
 */
function summarizeHttpObjects(obj: Record<string, unknown>): Record<string, unknown> {
  if (!HTTP_OBJECT_KEYS.some((key) => key in obj)) return obj;
  const out = { ...obj };
  for (const key of HTTP_OBJECT_KEYS) {
    const value = out[key];
    if (value === null || typeof value !== 'object') continue;
    const { method, url, statusCode } = value as { method?: unknown; url?: unknown; statusCode?: unknown };
    out[key] = {
      ...(typeof method === 'string' ? { method } : {}),
      ...(typeof url === 'string' ? { path: url.split('?')[0] } : {}),
      ...(typeof statusCode === 'number' ? { statusCode } : {}),
    };
  }
  return out;
}

function errorMessage(value: unknown): string | undefined {
  return value instanceof Error ? value.message : undefined;
}

/**
 * The log call's arguments, made safe before pino sees them: printf-style arguments are formatted here
 * and the result redacted (pino would format numbers and objects into the message after every hook), and
 * a message pino would take from an error (`log(err)`, `log({ err })`) is given, redacted, explicitly.
 */
function cleanArgs(args: unknown[]): unknown[] {
  const first = args[0];
  const msgIndex = typeof first === 'string' ? 0 : 1;
  const msg = args[msgIndex];
  if (typeof msg === 'string') {
    const text = args.length > msgIndex + 1 ? format(msg, ...args.slice(msgIndex + 1)) : msg;
    return [...args.slice(0, msgIndex), redactText(text)];
  }
  if (msgIndex === 1 && args.length === 1 && first !== null && typeof first === 'object') {
    const fromError = errorMessage(first) ?? errorMessage((first as { err?: unknown }).err);
    if (fromError !== undefined && (first as { msg?: unknown }).msg === undefined) {
      return [first, redactText(fromError)];
    }
  }
  return args;
}

/**
 * Builds the pino logger: structured JSON, key-path redaction, then value redaction of every string
 * (message, arguments, nested fields, child bindings and error stacks), so a careless log call cannot
 * leak an ID number.
 */
export function createLogger(options: { level: string; destination?: DestinationStream }): Logger {
  const logger = pino(
    {
      level: options.level,
      base: undefined,
      redact: { paths: REDACT_PATHS, censor: REDACTED },
      serializers: { err: serializeError, error: serializeError },
      formatters: {
        level: (label) => ({ level: label }),
        log: (obj) => redactValue(summarizeHttpObjects(obj)) as Record<string, unknown>,
      },
      hooks: {
        logMethod(args, method) {
          return method.apply(this, cleanArgs(args) as Parameters<typeof method>);
        },
      },
    },
    options.destination ?? pino.destination(1),
  );
  // pino never runs formatters on a child's bindings; redact them on the way in (children inherit this).
  const pinoChild = logger.child;
  logger.child = function child(this: Logger, bindings: Bindings, childOptions?: object) {
    return pinoChild.call(this, redactValue(bindings) as Bindings, childOptions);
  } as Logger['child'];
  return logger;
}
