import pino, { type DestinationStream, type Logger } from 'pino';
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
  'req.headers.authorization',
];

function serializeError(err: unknown): Record<string, unknown> {
  if (err instanceof Error) {
    return {
      type: err.name,
      message: redactText(err.message),
      stack: err.stack ? redactText(err.stack) : undefined,
    };
  }
  return { type: typeof err, message: redactText(String(err)) };
}

/**
 * Builds the pino logger: structured JSON, key-path redaction, then value redaction of every string
 * (message, arguments, nested fields and error stacks), so a careless log call cannot leak an ID number.
 */
export function createLogger(options: { level: string; destination?: DestinationStream }): Logger {
  return pino(
    {
      level: options.level,
      base: undefined,
      redact: { paths: REDACT_PATHS, censor: REDACTED },
      serializers: { err: serializeError, error: serializeError },
      formatters: {
        level: (label) => ({ level: label }),
        log: (obj) => redactValue(obj) as Record<string, unknown>,
      },
      hooks: {
        logMethod(args, method) {
          const cleaned = args.map((a) => (typeof a === 'string' ? redactText(a) : a));
          return method.apply(this, cleaned as Parameters<typeof method>);
        },
      },
    },
    options.destination ?? pino.destination(1),
  );
}
