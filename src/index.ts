import { randomBytes } from 'node:crypto';
import { format } from 'node:util';
import type { ConversationState, Storage, TurnContext } from 'botbuilder';
import type { Server } from 'restify';
import type { DestinationStream } from 'pino';
import { Registry } from 'prom-client';
import { ConfigError, loadConfig, type Config } from './config';
import { fixedClock, systemClock, type Clock } from './clock';
import { createLogger, type Logger } from './logging';
import { createI18n, topicButtonTitles } from './i18n';
import { SandboxMinIdService } from './minid/sandbox';
import { SandboxSmsGateway } from './sms/sandbox';
import { TimedSmsGateway } from './sms/timed';
import type { SmsGateway } from './sms/gateway';
import { TwilioSmsGateway } from './sms/twilio';
import { SmsWebhook } from './channels/sms/webhook';
import { TimedMinIdService } from './minid/timed';
import { callWithPolicy, type OutgoingPolicy } from './http/outgoing';
import { createConnectorHttpClient } from './http/connectorClient';
import { InternalChannels } from './channels/internal';
import { recordingSmsGateway, registerWebChat, type DirectLine } from './channels/webchat';
import { OneTimeCodes } from './verification/codes';
import { AbuseLimits } from './limits';
import type { LimitName } from './rules';
import {
  DEFAULT_INTENT_MODEL_FILE,
  IntentRecognizer,
  messageLanguage,
  parseLanguageSwitch,
} from './understanding';
import { LanguageResolver } from './bot/language';
import { MinIdBot } from './bot/minidBot';
import { TurnSerializer } from './bot/turnSerializer';
import { TurnLock } from './storage/turnLock';
import { createTurnErrorHandler } from './bot/errors';
import { createServer, listen } from './server';
import { Metrics } from './metrics';
import { ServerLifecycle } from './http/lifecycle';
import { ReusingBotFrameworkAuthentication } from './http/reusingAuthentication';
import { EdgeAdapter } from './http/edgeAdapter';
import { MainDialog } from '../dialogs/mainDialog';
import { promptDefaults } from '../dialogs/prompts';
import type { SharedStore } from './storage/shared';
import { MemorySharedStore } from './storage/memoryShared';
import { ExpiringMemoryStorage } from './storage/memoryStorage';
import { RedisStorage } from './storage/redisStorage';
import { EtagConversationState } from './storage/conversationState';
import { parseAgentTokens, type AgentAccount } from './handoff/agents';
import { BuiltinHub, type Deliver } from './handoff/builtinHub';
import { HandoffDesk } from './handoff/desk';
import { ProtocolHub } from './handoff/protocolHub';
import { ConversationTranscripts } from './handoff/transcript';
import { proactiveDelivery } from './handoff/delivery';
import { parseWeeklyHours, supportAvailability, type Availability } from './handoff/hours';
import { HubPoller } from './handoff/agentEvents';

/** What tests may swap; everything else is built from config. */
export interface AppOverrides {
  clock?: Clock;
  storage?: Storage;
  logDestination?: DestinationStream;
  /** The shared store; tests pass one store to two builds to act as two instances. */
  shared?: SharedStore;
  /** Told the name of every limit that refuses something (metrics are wired here). */
  onLimitHit?: (limit: LimitName) => void;
  /** A trained recogniser to reuse (training takes about a second; scenario runs build many bots). */
  recognizer?: IntentRecognizer;
}

export interface App {
  config: Config;
  server: Server;
  logger: Logger;
  minid: SandboxMinIdService;
  sms: SandboxSmsGateway;
  clock: Clock;
  /** The store every instance shares (turn locks, the sandbox register's orders, the SMS outbox). */
  shared: SharedStore;
  limits: AbuseLimits;
  /** The bot's metrics (wire the limits module's onHit to `metrics.limitHit`). */
  metrics: Metrics;
  /** In-flight requests and draining (graceful shutdown). */
  lifecycle: ServerLifecycle;
  /** The human handoff when AGENT_TOKENS names agents (tests sweep its hub under a fake clock). */
  handoff?: Handoff;
  /** The channels the bot serves itself (web chat's Direct Line subset, the SMS webhook). */
  channels: InternalChannels;
  /** The web chat's Direct Line subset (WEBCHAT=true). */
  webchat?: DirectLine;
  /** Releases the store's connections and timers; call after the server has closed. */
  close(): Promise<void>;
}

export interface Bot {
  bot: MinIdBot;
  conversationState: ConversationState;
  i18n: Awaited<ReturnType<typeof createI18n>>;
  logger: Logger;
  minid: SandboxMinIdService;
  sms: SandboxSmsGateway;
  /** The gateway codes and SMS replies outside a webhook answer go through (SMS_GATEWAY). */
  smsGateway: SmsGateway;
  clock: Clock;
  privacySecret: string;
  /** The store every instance shares (turn locks, the sandbox register's orders, the SMS outbox). */
  shared: SharedStore;
  /** The conversation state's storage (the override, or the one STORAGE selects). */
  storage: Storage;
  /** Limits over the shared store (codes, wrong-code locks, lookups, messages). */
  limits: AbuseLimits;
  metrics: Metrics;
  /** Deadline and retries of every outgoing call (channel replies, SMS, MinID register). */
  outgoing: OutgoingPolicy;
  /** The human handoff, built when AGENT_TOKENS names agents; `connect` gives it the channel adapter. */
  handoff?: Handoff;
  /** Releases the store's connections and timers. */
  close(): Promise<void>;
}

/** The builtin handoff hub, its agents, and how it reaches users outside their turn. */
export interface Handoff {
  hub: BuiltinHub;
  agents: AgentAccount[];
  /** Sets how hub texts reach users proactively (buildApp: the CloudAdapter; tests: anything). */
  connect(deliver: Deliver): void;
  /** SUPPORT_HOURS and whether support is open now. */
  availability(): Availability & { hours: string };
}

/**
 * The builtin hub and the bot's desk for it, when agents are configured: without an agent nobody could
 * accept, so "talk to a person" keeps giving phone and e-mail.
 */
function buildHandoff(
  config: Config,
  deps: {
    shared: SharedStore;
    clock: Clock;
    logger: Logger;
    privacySecret: string;
    i18n: Bot['i18n'];
    metrics: Metrics;
  },
  conversationState: ConversationState,
): { handoff?: Handoff; desk: HandoffDesk; transcripts?: ConversationTranscripts } | undefined {
  if (config.HANDOFF_HUB === 'protocol') return buildProtocolHandoff(config, deps, conversationState);
  if (!config.AGENT_TOKENS) return undefined;
  let deliver: Deliver = async () => {
    throw new Error('handoff delivery is not connected to a channel adapter');
  };
  const hub = new BuiltinHub({
    store: deps.shared,
    secret: deps.privacySecret,
    clock: deps.clock,
    logger: deps.logger,
    maxWaitMs: config.HANDOFF_MAX_WAIT_MINUTES * 60_000,
    deliver: (reference, text, options) => deliver(reference, text, options),
    text: (lang, key, params) => deps.i18n.getFixedT(lang)(key, params ?? {}),
    onOutcome: (outcome) => deps.metrics.handoff(outcome),
  });
  const hours = parseWeeklyHours(config.SUPPORT_HOURS);
  const desk = new HandoffDesk({
    hub,
    hours,
    clock: deps.clock,
    conversationState,
    privacySecret: deps.privacySecret,
    logger: deps.logger,
    metrics: deps.metrics,
  });
  const connect = (d: Deliver) => {
    deliver = d;
  };
  const availability = () => ({
    hours: config.SUPPORT_HOURS,
    ...supportAvailability(deps.clock(), hours),
  });
  return {
    handoff: { hub, agents: parseAgentTokens(config.AGENT_TOKENS), connect, availability },
    desk,
  };
}

/**
 * HANDOFF_HUB=protocol: a contact-centre platform takes over through Bot Framework's handoff protocol, so
 * no agent API (and no AGENT_TOKENS) is needed; the bot keeps a redacted transcript for handoff.initiate.
 */
function buildProtocolHandoff(
  config: Config,
  deps: { shared: SharedStore; clock: Clock; logger: Logger; privacySecret: string; metrics: Metrics },
  conversationState: ConversationState,
): { desk: HandoffDesk; transcripts: ConversationTranscripts } {
  const ttlMs = config.IDLE_TIMEOUT_MINUTES * 60_000;
  const transcripts = new ConversationTranscripts({
    store: deps.shared,
    secret: deps.privacySecret,
    ttlMs,
    clock: deps.clock,
  });
  const hub = new ProtocolHub({
    store: deps.shared,
    transcripts,
    logger: deps.logger,
    clock: deps.clock,
    ttlMs,
  });
  const desk = new HandoffDesk({
    hub,
    protocol: hub,
    hours: parseWeeklyHours(config.SUPPORT_HOURS),
    clock: deps.clock,
    conversationState,
    privacySecret: deps.privacySecret,
    logger: deps.logger,
    metrics: deps.metrics,
  });
  return { desk, transcripts };
}

/** The stores STORAGE selects; in Redis mode both share one connection. */
interface Stores {
  shared: SharedStore;
  storage: Storage;
  close(): Promise<void>;
}

async function buildStores(
  config: Config,
  logger: Logger,
  privacySecret: string,
  override?: Storage,
): Promise<Stores> {
  // State untouched for the idle timeout is dropped by the store itself, also when never read again.
  const ttlMs = config.IDLE_TIMEOUT_MINUTES * 60_000;
  if (config.STORAGE === 'redis') {
    // Loaded only here: the Redis client is about 2 % of start-up for the memory store, which needs none.
    const { RedisSharedStore, createRedisConnection } = await import('./storage/redisShared');
    let lastError: string | undefined;
    const redis = createRedisConnection(config.REDIS_URL, {
      // The client retries every few seconds while Redis is down: log each kind of failure once.
      onError: (code) => {
        // Not under `code`: the logger redacts that key (one-time codes).
        if (code !== lastError) logger.warn({ reason: code }, 'redis connection error');
        lastError = code;
      },
    });
    redis.on('ready', () => {
      if (lastError) logger.info('redis connection restored');
      lastError = undefined;
    });
    const shared = new RedisSharedStore({ redis, keyPrefix: config.REDIS_KEY_PREFIX });
    const storage =
      override ??
      new RedisStorage({ redis, keyPrefix: config.REDIS_KEY_PREFIX, secret: privacySecret, ttlMs });
    return { shared, storage, close: () => shared.close() };
  }
  const shared = new MemorySharedStore();
  const storage = override ?? new ExpiringMemoryStorage({ secret: privacySecret, ttlMs });
  return {
    shared,
    storage,
    close: async () => {
      // An overriding storage belongs to whoever passed it.
      if (!override && storage instanceof ExpiringMemoryStorage) storage.close();
      await shared.close();
    },
  };
}

/**
 * The one composition root: every object of the running bot is built here and handed down, so any part
 * can be replaced in a test by passing something else to its constructor. `buildBot` builds the bot
 * without any transport (dialog and transcript tests drive it with botbuilder's TestAdapter);
 * `buildApp` adds the Bot Framework adapter and the HTTP server.
 */
export async function buildBot(config: Config, overrides: AppOverrides = {}): Promise<Bot> {
  const logger = createLogger({ level: config.LOG_LEVEL, destination: overrides.logDestination });
  // FIXED_NOW pins the start of the clock; it keeps ticking so code expiry and resend pauses still work.
  const clock = overrides.clock ?? (config.FIXED_NOW ? fixedClock(config.FIXED_NOW, true) : systemClock);
  const privacySecret = config.PRIVACY_SECRET || randomBytes(32).toString('hex');

  const i18n = await createI18n();
  // The classifier built by `npm run build` when it matches the corpus; trained here otherwise.
  const recognizer =
    overrides.recognizer ??
    (await IntentRecognizer.create({ phrases: topicButtonTitles(), modelFile: DEFAULT_INTENT_MODEL_FILE }));
  if (!overrides.recognizer && recognizer.source.from === 'trained') {
    logger.info({ reason: recognizer.source.reason }, 'intent model trained at start (no usable model file)');
  }
  // One store for everything a user's next turn may need, so it can be served by any instance. The
  // same secret keys it on every instance: with PRIVACY_SECRET unset each process draws its own and
  // instances sharing one store would not find each other's entries.
  const stores = await buildStores(config, logger, privacySecret, overrides.storage);
  const shared = overrides.shared ?? stores.shared;
  const minid = SandboxMinIdService.fromBundledPopulation({ store: shared, secret: privacySecret });
  const sms = new SandboxSmsGateway({ now: clock, store: shared, secret: privacySecret });
  const smsGateway = buildSmsGateway(config, sms);
  const codes = new OneTimeCodes({ now: clock, secret: privacySecret });
  const outgoing: OutgoingPolicy = {
    timeoutMs: config.OUTGOING_TIMEOUT_MS,
    retries: config.OUTGOING_RETRIES,
  };

  // Our own registry, never prom-client's global one: two builds in one process (tests) stay apart.
  // Process metrics only where they are exposed.
  const metrics = new Metrics({ registry: new Registry(), processMetrics: Boolean(config.METRICS_TOKEN) });
  const limits = new AbuseLimits({
    store: shared,
    secret: privacySecret,
    clock,
    logger,
    onHit: (name) => {
      metrics.limitHit(name);
      overrides.onLimitHit?.(name);
    },
  });

  const conversationState = new EtagConversationState(stores.storage);
  const handoff = buildHandoff(
    config,
    { shared, clock, logger, privacySecret, i18n, metrics },
    conversationState,
  );
  const mainDialog = new MainDialog(
    {
      clock,
      // Local in the sandbox, but a real backend plugs in behind the same deadline.
      minid: new TimedMinIdService(minid, outgoing),
      sms: recordingSmsGateway(new TimedSmsGateway(smsGateway, outgoing)),
      codes,
      limits,
      logger,
      acceptSynthetic: config.ACCEPT_SYNTHETIC_IDS,
      conversationState,
      metrics,
    },
    promptDefaults(i18n),
  );
  const onTurnError = createTurnErrorHandler({ logger, i18n, conversationState, privacySecret, metrics });
  const bot = new MinIdBot({
    conversationState,
    mainDialog,
    i18n,
    clock,
    logger,
    language: new LanguageResolver({
      defaultLang: config.DEFAULT_LOCALE,
      // A message in a language the bot does not speak never changes the conversation's language.
      detect: messageLanguage,
      parseSwitch: parseLanguageSwitch,
    }),
    understand: (text) => recognizer.understand(text),
    idleTimeoutMinutes: config.IDLE_TIMEOUT_MINUTES,
    privacySecret,
    limits,
    metrics,
    onTurnError,
    handoff: handoff?.desk,
    transcripts: handoff?.transcripts,
    serializer: new TurnSerializer({
      lock: new TurnLock(shared),
      lockTtlMs: config.TURN_LOCK_TTL_MS,
      waitMs: config.TURN_WAIT_MS,
      onReleaseError: (err) => logger.warn({ err }, 'turn lock release failed; it expires by its TTL'),
    }),
  });
  return {
    bot,
    conversationState,
    i18n,
    logger,
    minid,
    sms,
    smsGateway,
    clock,
    privacySecret,
    shared,
    storage: stores.storage,
    limits,
    metrics,
    outgoing,
    handoff: handoff?.handoff,
    close: async () => {
      handoff?.handoff?.hub.close();
      await stores.close();
    },
  };
}

/**
 * The SMS gateway SMS_GATEWAY selects: the sandbox outbox (the default, also with the webhook on) or
 * Twilio's Messages API.
 */
export function buildSmsGateway(config: Config, sandbox: SandboxSmsGateway): SmsGateway {
  if (config.SMS_GATEWAY !== 'twilio') return sandbox;
  return new TwilioSmsGateway({
    accountSid: config.TWILIO_ACCOUNT_SID,
    authToken: config.TWILIO_AUTH_TOKEN,
    from: config.TWILIO_FROM,
    apiBase: config.TWILIO_API_BASE,
    // One attempt may take at most half the call's budget, so the one retry on a 5xx still fits in it.
    timeoutMs: Math.max(100, Math.floor(config.OUTGOING_TIMEOUT_MS / 2)),
  });
}

/** The turn error handler for any adapter (the CloudAdapter here, a TestAdapter in tests). */
export function turnErrorHandler(built: Bot): (context: TurnContext, error: Error) => Promise<void> {
  return createTurnErrorHandler({
    logger: built.logger,
    i18n: built.i18n,
    conversationState: built.conversationState,
    privacySecret: built.privacySecret,
    metrics: built.metrics,
  });
}

export async function buildApp(config: Config, overrides: AppOverrides = {}): Promise<App> {
  const built = await buildBot(config, overrides);
  // Every request is authenticated; the connector and token clients are built once, not per activity,
  // and replies posted to the channel's serviceUrl are bounded, so a silent channel cannot hold a turn.
  // Replies to our own channels (web chat, SMS) are handed over in-process, never posted over HTTP.
  const channels = new InternalChannels();
  const httpClient = createConnectorHttpClient(built.outgoing, fetch, channels);
  const auth = new ReusingBotFrameworkAuthentication(
    {
      MicrosoftAppId: config.MicrosoftAppId,
      MicrosoftAppPassword: config.MicrosoftAppPassword,
      MicrosoftAppType: config.MicrosoftAppType,
      MicrosoftAppTenantId: config.MicrosoftAppTenantId,
    },
    { connectorClientOptions: { httpClient } },
  );
  const adapter = new EdgeAdapter(auth);
  adapter.onTurnError = turnErrorHandler(built);
  channels.connect({
    adapter,
    httpClient,
    botAppId: config.MicrosoftAppId,
    logic: (context) => built.bot.run(context),
  });
  // The Twilio webhook, when its token is set (config requires PUBLIC_BASE_URL with it).
  const smsWebhook = config.TWILIO_AUTH_TOKEN
    ? new SmsWebhook({
        channels,
        gateway: new TimedSmsGateway(built.smsGateway, built.outgoing),
        store: built.shared,
        secret: built.privacySecret,
        authToken: config.TWILIO_AUTH_TOKEN,
        publicBaseUrl: config.PUBLIC_BASE_URL.replace(/\/+$/, ''),
        ttlMs: config.IDLE_TIMEOUT_MINUTES * 60_000,
        logger: built.logger,
        clientRef: (phone) => built.limits.ref('client', `sms:${phone}`),
      })
    : undefined;
  const lifecycle = new ServerLifecycle();
  built.handoff?.connect(
    proactiveDelivery({
      adapter,
      channels,
      botAppId: config.MicrosoftAppId,
      conversationState: built.conversationState,
      i18n: built.i18n,
    }),
  );
  // One poller per process feeds every open event stream of the agent console.
  const poller = built.handoff && new HubPoller({ hub: built.handoff.hub, logger: built.logger });
  const server = createServer({
    lifecycle,
    adapter,
    bot: built.bot,
    logger: built.logger,
    isReady: () => isReady(built),
    channels,
    sandboxSms: config.SANDBOX_ENDPOINTS ? built.sms : undefined,
    smsWebhook,
    identifyClient: clientIdentifier(config, built.limits),
    metrics: config.METRICS_TOKEN ? { metrics: built.metrics, token: config.METRICS_TOKEN } : undefined,
    agents: built.handoff &&
      poller && {
        hub: built.handoff.hub,
        agents: built.handoff.agents,
        availability: built.handoff.availability,
        poller,
        clock: built.clock,
      },
  });
  const webchat = config.WEBCHAT
    ? registerWebChat(server, {
        config,
        channels,
        shared: built.shared,
        secret: built.privacySecret,
        now: built.clock,
        logger: built.logger,
        identifyClient: clientIdentifier(config, built.limits),
      })
    : undefined;
  return {
    config,
    server,
    logger: built.logger,
    minid: built.minid,
    sms: built.sms,
    clock: built.clock,
    shared: built.shared,
    limits: built.limits,
    metrics: built.metrics,
    lifecycle,
    handoff: built.handoff,
    channels,
    webchat,
    close: async () => {
      poller?.close();
      await built.close();
    },
  };
}

/**
 * How the HTTP edge names a client for the per-client limits. Without Bot Framework auth, requests come
 * straight from the user's client (curl, the Emulator), so the address tells users apart. With auth every
 * request comes from Microsoft's connector: its address would put all users under one limit, so none is
 * used there (the web chat and SMS edges will set their own).
 */
export function clientIdentifier(
  config: Config,
  limits: AbuseLimits,
): ((address: string) => string) | undefined {
  if (config.MicrosoftAppId || !config.LIMIT_CLIENT_ADDRESS) return undefined;
  return (address) => limits.ref('client', address);
}

/** Ready when the MinID service is and the shared store answers a ping. */
async function isReady(built: Bot): Promise<boolean> {
  if (!(await callWithPolicy('minid', built.outgoing, () => built.minid.isReady()))) return false;
  try {
    await built.shared.ping();
    return true;
  } catch {
    return false;
  }
}

/**
 * botbuilder's adapter reports some failures with console.error/warn, outside our logger; route them
 * through it so they are structured and redacted like everything else.
 */
function routeConsoleThroughLogger(logger: Logger): void {
  /* eslint-disable no-console -- replacing console, not writing to it */
  console.error = (...args: unknown[]) => logger.error({ source: 'console' }, format(...args));
  console.warn = (...args: unknown[]) => logger.warn({ source: 'console' }, format(...args));
  console.log = (...args: unknown[]) => logger.info({ source: 'console' }, format(...args));
  /* eslint-enable no-console */
}

/**
 * A stray error (an 'error' event nobody listens to, a rejected promise nobody awaits) must not take the
 * bot down for every other user: it is logged, redacted, and the process keeps serving. Each request
 * already has its own handling; what lands here is a bug to fix, not a reason to stop.
 */
function guardProcess(logger: Logger): void {
  process.on('uncaughtException', (err) => logger.error({ err }, 'uncaught exception; still serving'));
  process.on('unhandledRejection', (err) => logger.error({ err }, 'unhandled rejection; still serving'));
}

async function main(): Promise<void> {
  let config: Config;
  try {
    config = loadConfig();
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`${err.message}\n`);
      process.exit(1);
    }
    throw err;
  }
  const app = await buildApp(config);
  routeConsoleThroughLogger(app.logger);
  guardProcess(app.logger);
  const port = await listen(app.server, config.PORT, config.HOST);
  app.logger.info(
    {
      port,
      host: config.HOST,
      backend: config.MINID_BACKEND,
      fixedNow: config.FIXED_NOW ?? null,
      auth: Boolean(config.MicrosoftAppId),
    },
    'MinID helpline bot listening (POST /api/messages on the port given)',
  );
  let stopping = false;
  const shutdown = async (signal: string) => {
    // A second signal while draining changes nothing: the grace already bounds the wait.
    if (stopping) return;
    stopping = true;
    const graceMs = config.SHUTDOWN_GRACE_MS;
    app.logger.info(
      { signal, graceMs, active: app.lifecycle.active, open: app.lifecycle.open },
      'shutting down',
    );
    // Closing the stores must not keep the process alive past the grace either.
    setTimeout(() => process.exit(0), graceMs + 3000).unref();
    const { unfinished } = await app.lifecycle.drain(graceMs);
    await app.close().catch((err: unknown) => app.logger.warn({ err }, 'closing the stores failed'));
    app.logger.info({ signal, unfinished, requests: app.lifecycle.served }, 'stopped');
    process.exit(0);
  };
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
  process.on('SIGINT', () => void shutdown('SIGINT'));
}

if (require.main === module) {
  main().catch((err: unknown) => {
    process.stderr.write(`Start-up failed: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exit(1);
  });
}
