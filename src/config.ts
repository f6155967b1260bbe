import { z } from 'zod';
import { parseWeeklyHours } from './handoff/hours';
import { parseAgentTokens } from './handoff/agents';

/** A config error names the variable so an operator can fix it without reading code. */
export class ConfigError extends Error {
  constructor(public readonly issues: string[]) {
    super(`Invalid configuration:\n${issues.map((i) => `  - ${i}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

// Environment variables are strings; these helpers keep the schema readable and strict.
const bool = (def: boolean) =>
  z
    .enum(['true', 'false', '1', '0', 'yes', 'no'], { error: 'must be true or false' })
    .default(def ? 'true' : 'false')
    .transform((v) => v === 'true' || v === '1' || v === 'yes');

const int = (def: number, min: number, max: number) =>
  z
    .string()
    .default(String(def))
    .refine((v) => /^\d+$/.test(v.trim()), { error: 'must be a whole number' })
    .transform((v) => Number(v.trim()))
    .refine((n) => n >= min && n <= max, { error: `must be between ${min} and ${max}` });

/**
 * The one configuration schema. Every key has a default (the embedded sandbox set-up) and a one-line doc
 * (`describe`), which `npm run env:example` turns into `.env.example`.
 */
export const configSchema = z.object({
  PORT: int(3978, 0, 65535).describe('HTTP port the bot listens on (0 picks a free port).'),
  MicrosoftAppId: z.string().default('').describe('Bot Framework app id; empty = local mode without auth.'),
  MicrosoftAppPassword: z
    .string()
    .default('')
    .describe('Bot Framework app secret (MultiTenant/SingleTenant).'),
  MicrosoftAppType: z
    .enum(['', 'MultiTenant', 'SingleTenant', 'UserAssignedMSI'])
    .default('')
    .describe('Bot Framework app type; empty with an empty app id.'),
  MicrosoftAppTenantId: z.string().default('').describe('Azure AD tenant id for SingleTenant/MSI bots.'),
  HOST: z
    .string()
    .default('')
    .refine((v) => v === '' || /^[0-9a-fA-F.:]+$|^[a-zA-Z0-9.-]+$/.test(v), { error: 'must be an address' })
    .describe('Address to listen on; empty = 127.0.0.1 without an app id (local mode), 0.0.0.0 with one.'),
  LOG_LEVEL: z
    .enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'])
    .default('info')
    .describe('pino log level; personal data is redacted at every level.'),
  DEFAULT_LOCALE: z
    .enum(['nb', 'nn', 'en'])
    .default('nb')
    .describe('Language used when neither the user nor the channel tells one.'),
  MINID_BACKEND: z
    .enum(['sandbox'])
    .default('sandbox')
    .describe('MinID service implementation; only the sandbox exists so far.'),
  FIXED_NOW: z
    .string()
    .default('')
    .refine((v) => v === '' || (/(Z|[+-]\d{2}:\d{2})$/.test(v) && !Number.isNaN(Date.parse(v))), {
      error: 'must be empty or an ISO timestamp with an offset, e.g. 2026-11-24T12:00:00+01:00',
    })
    .describe('Pins the clock (sandbox only), e.g. 2026-11-24T12:00:00+01:00; empty = real time.'),
  ACCEPT_SYNTHETIC_IDS: z
    .enum(['', 'true', 'false'], { error: 'must be true or false' })
    .default('')
    .describe('Accept Tenor synthetic ID numbers; empty = true with the sandbox backend.'),
  IDLE_TIMEOUT_MINUTES: int(30, 1, 24 * 60).describe(
    'Conversation state older than this is dropped; the next message starts fresh.',
  ),
  PRIVACY_SECRET: z
    .string()
    .default('')
    .refine((v) => v === '' || v.length >= 16, { error: 'must be empty or at least 16 characters' })
    .describe('HMAC key for pseudonymous ids and code hashes; empty = random per process.'),
  TURN_WAIT_MS: int(8000, 100, 60_000).describe(
    'How long a message waits for the same conversation\'s previous turn before "one moment" is answered.',
  ),
  TURN_LOCK_TTL_MS: int(30_000, 1000, 600_000).describe(
    'Lifetime of a turn lock whose holder died without releasing it.',
  ),
  LIMIT_CLIENT_ADDRESS: bool(true).describe(
    'Limit codes per client address in local mode (no app id); off only for a load test from one address.',
  ),
  SANDBOX_ENDPOINTS: bool(true).describe('Expose GET /sandbox/sms (only ever with the sandbox backend).'),
  STORAGE: z
    .enum(['memory', 'redis'])
    .default('memory')
    .describe('Where conversation state and shared counters live: memory (one instance) or redis.'),
  REDIS_URL: z
    .string()
    .default('redis://127.0.0.1:6379')
    .refine((v) => /^rediss?:\/\/\S+$/.test(v), { error: 'must be a redis:// or rediss:// URL' })
    .describe('Redis connection URL (STORAGE=redis), e.g. redis://127.0.0.1:6379 or rediss://host:6380.'),
  REDIS_KEY_PREFIX: z
    .string()
    .default('minid:')
    .refine((v) => /^[A-Za-z0-9:_.-]{1,64}$/.test(v), {
      error: 'must be 1-64 characters of letters, digits, : _ . -',
    })
    .describe('Prefix of every Redis key, so several bots or environments can share one Redis.'),
  METRICS_TOKEN: z
    .string()
    .default('')
    .refine((v) => v === '' || (v.length >= 32 && !/\s/.test(v)), {
      error: 'must be empty or at least 32 characters without spaces',
    })
    .describe('Bearer token for GET /metrics (at least 32 characters); empty = no /metrics route.'),
  OUTGOING_TIMEOUT_MS: int(5000, 100, 60_000).describe(
    'Budget of one outgoing call (reply to the channel, SMS, MinID register), retries included.',
  ),
  OUTGOING_RETRIES: int(2, 0, 5).describe(
    'Retries of an outgoing call on network errors, 408/429 and 5xx, within its budget.',
  ),
  SHUTDOWN_GRACE_MS: int(10_000, 0, 600_000).describe(
    'On SIGTERM/SIGINT, how long requests already accepted may take to finish before the process exits.',
  ),
  SUPPORT_HOURS: z
    .string()
    .default('mon-fri 08:00-15:30')
    .refine((v) => tryParse(() => parseWeeklyHours(v)), {
      error:
        'must be weekly hours in Oslo time, e.g. "mon-fri 08:00-15:30" or "mon-thu 08:00-15:30; fri 08:00-14:00"',
    })
    .describe('When a person can take over a chat (Oslo time; closed on public holidays, 24 and 31 Dec).'),
  HANDOFF_MAX_WAIT_MINUTES: int(10, 1, 240).describe(
    'How long a user waits in the handoff queue before being given the phone and e-mail instead.',
  ),
  HANDOFF_HUB: z
    .enum(['builtin', 'protocol'])
    .default('builtin')
    .describe(
      'Who takes over a chat: builtin (own queue and agent API, needs AGENT_TOKENS) or protocol (handoff.initiate to a contact centre).',
    ),
  AGENT_TOKENS: z
    .string()
    .default('')
    .refine((v) => v === '' || tryParse(() => parseAgentTokens(v)), {
      error: 'must be "Name:token,Name:token" with unique names and tokens of at least 32 characters',
    })
    .describe('Support agents as Name:token pairs (token >= 32 chars); empty = no agent API and no handoff.'),
  SMS_GATEWAY: z
    .enum(['sandbox', 'twilio'])
    .default('sandbox')
    .describe('Where one-time codes and SMS replies go: sandbox (the outbox) or twilio (really sent).'),
  TWILIO_ACCOUNT_SID: z
    .string()
    .default('')
    .refine((v) => v === '' || /^AC[0-9a-fA-F]{32}$/.test(v), {
      error: 'must be empty or AC + 32 hex digits',
    })
    .describe('Twilio account SID (SMS_GATEWAY=twilio).'),
  TWILIO_AUTH_TOKEN: z
    .string()
    .default('')
    .describe('Twilio auth token: signs the SMS webhook and authenticates sends; set = POST /api/sms is on.'),
  TWILIO_FROM: z
    .string()
    .default('')
    .refine((v) => v === '' || /^\+[1-9]\d{1,14}$|^[A-Za-z0-9 ]{1,11}$/.test(v), {
      error: 'must be an E.164 number or an alphanumeric sender id of at most 11 characters',
    })
    .describe('Sender of SMS sent through Twilio: an E.164 number or an alphanumeric sender id.'),
  TWILIO_API_BASE: z
    .string()
    .default('https://api.twilio.com')
    .refine((v) => /^https?:\/\/[^\s/]+\/?$/.test(v), {
      error: 'must be a scheme and host, e.g. https://api.twilio.com',
    })
    .describe("Base URL of Twilio's REST API (a loopback stub in tests)."),
  PUBLIC_BASE_URL: z
    .string()
    .default('')
    .refine((v) => v === '' || /^https?:\/\/[^\s/]+(\/[^\s]*)?$/.test(v), {
      error: 'must be empty or an http(s) URL',
    })
    .describe(
      'Public URL of this bot as Twilio calls it (e.g. https://bot.example.no); the webhook signature covers it.',
    ),
  WEBCHAT: bool(true).describe('Serve the web chat page at / and its Direct Line subset at /v3/directline.'),
  WEBCHAT_TOKEN_MINUTES: int(30, 20, 24 * 60).describe(
    'Lifetime of a web chat Direct Line token; the page refreshes it (Web Chat itself every 15 minutes).',
  ),
  WEBCHAT_MAX_ACTIVITIES: int(200, 20, 5000).describe(
    'Activities kept per web chat conversation for polling and resume (oldest dropped).',
  ),
});

/** True when `parse` does not throw; for refinements that reuse a module's own parser. */
function tryParse(parse: () => unknown): boolean {
  try {
    parse();
    return true;
  } catch {
    return false;
  }
}

type RawConfig = z.output<typeof configSchema>;

export interface Config extends Omit<RawConfig, 'ACCEPT_SYNTHETIC_IDS' | 'FIXED_NOW'> {
  ACCEPT_SYNTHETIC_IDS: boolean;
  FIXED_NOW?: string;
}

/** Reads and validates configuration; throws ConfigError naming every bad variable. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const keys = Object.keys(configSchema.shape) as (keyof typeof configSchema.shape)[];
  // An empty string is "not set" for keys with defaults, as in most .env tooling.
  const input: Record<string, string> = {};
  for (const key of keys) {
    const v = env[key];
    if (v !== undefined && v !== '') input[key] = v;
  }
  const parsed = configSchema.safeParse(input);
  if (!parsed.success) {
    throw new ConfigError(
      parsed.error.issues.map((i) => {
        const key = String(i.path[0] ?? '?');
        // Never echo secrets back into logs (a Redis URL may carry a password).
        const shown = /password|secret|url|token/i.test(key) ? '' : ` (got "${String(input[key] ?? '')}")`;
        return `${key}: ${i.message}${shown}`;
      }),
    );
  }
  const raw = parsed.data;
  const sandbox = raw.MINID_BACKEND === 'sandbox';
  const issues: string[] = [];
  if (raw.FIXED_NOW && !sandbox) issues.push('FIXED_NOW: honoured only with MINID_BACKEND=sandbox');
  if (raw.MicrosoftAppId && !raw.MicrosoftAppType) {
    issues.push('MicrosoftAppType: required when MicrosoftAppId is set');
  }
  if (raw.STORAGE === 'redis' && !raw.PRIVACY_SECRET) {
    // Storage keys are HMACs under this secret: a random one per process would lose state on restart
    // and keep instances from sharing it.
    issues.push('PRIVACY_SECRET: required with STORAGE=redis (every instance must use the same one)');
  }
  if (raw.SMS_GATEWAY === 'twilio') {
    for (const key of ['TWILIO_ACCOUNT_SID', 'TWILIO_AUTH_TOKEN', 'TWILIO_FROM'] as const) {
      if (!raw[key]) issues.push(`${key}: required with SMS_GATEWAY=twilio`);
    }
  }
  if (raw.TWILIO_AUTH_TOKEN && !raw.PUBLIC_BASE_URL) {
    // The webhook signature covers the URL Twilio called; behind a proxy only the operator knows it.
    issues.push('PUBLIC_BASE_URL: required when TWILIO_AUTH_TOKEN turns on the SMS webhook');
  }
  if (issues.length) throw new ConfigError(issues);
  return {
    ...raw,
    FIXED_NOW: raw.FIXED_NOW || undefined,
    ACCEPT_SYNTHETIC_IDS: raw.ACCEPT_SYNTHETIC_IDS === '' ? sandbox : raw.ACCEPT_SYNTHETIC_IDS === 'true',
    // With Bot Framework auth on, the bot faces the internet: the unauthenticated outbox is never served.
    SANDBOX_ENDPOINTS: raw.SANDBOX_ENDPOINTS && sandbox && !raw.MicrosoftAppId,
    HOST: raw.HOST || (raw.MicrosoftAppId ? '0.0.0.0' : '127.0.0.1'),
  };
}

/** Renders `.env.example` from the schema so the two can never drift. */
export function renderEnvExample(): string {
  const lines = ['# Generated from src/config.ts by `npm run env:example`; every key is optional.', ''];
  for (const [key, schema] of Object.entries(configSchema.shape)) {
    const def = (schema as z.ZodType).parse(undefined);
    const shown = typeof def === 'boolean' ? String(def) : String(def ?? '');
    lines.push(`# ${schema.description ?? ''}`);
    lines.push(`${key}=${shown}`);
    lines.push('');
  }
  return lines.join('\n');
}
