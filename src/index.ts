import { randomBytes } from 'node:crypto';
import { format } from 'node:util';
import {
  CloudAdapter,
  ConfigurationBotFrameworkAuthentication,
  ConversationState,
  MemoryStorage,
  type Storage,
  type TurnContext,
} from 'botbuilder';
import type { Server } from 'restify';
import type { DestinationStream } from 'pino';
import { ConfigError, loadConfig, type Config } from './config';
import { fixedClock, systemClock, type Clock } from './clock';
import { createLogger, type Logger } from './logging';
import { createI18n } from './i18n';
import { SandboxMinIdService } from './minid/sandbox';
import { SandboxSmsGateway } from './sms/sandbox';
import { MemorySharedStore } from './storage/memoryShared';
import type { SharedStore } from './storage/shared';
import { OneTimeCodes } from './verification/codes';
import { IntentRecognizer, detectLanguage, parseLanguageSwitch } from './understanding';
import { LanguageResolver } from './bot/language';
import { MinIdBot } from './bot/minidBot';
import { TurnSerializer } from './bot/turnSerializer';
import { MemorySharedStore } from './storage/memoryShared';
import type { SharedStore } from './storage/shared';
import { SharedStoreTurnLock } from './storage/turnLock';
import { createTurnErrorHandler } from './bot/errors';
import { createServer, listen, close } from './server';
import { MainDialog } from '../dialogs/mainDialog';
import { promptDefaults } from '../dialogs/prompts';

/** What tests may swap; everything else is built from config. */
export interface AppOverrides {
  clock?: Clock;
  storage?: Storage;
  /** The shared store (locks; later limits and sandbox services); a MemorySharedStore by default. */
  shared?: SharedStore;
  logDestination?: DestinationStream;
  /** The shared store; tests pass one store to two builds to act as two instances. */
  shared?: SharedStore;
}

export interface App {
  config: Config;
  server: Server;
  logger: Logger;
  minid: SandboxMinIdService;
  sms: SandboxSmsGateway;
  /** The store every instance shares (the sandbox register's orders, the SMS outbox). */
  shared: SharedStore;
  clock: Clock;
}

export interface Bot {
  bot: MinIdBot;
  conversationState: ConversationState;
  i18n: Awaited<ReturnType<typeof createI18n>>;
  logger: Logger;
  minid: SandboxMinIdService;
  sms: SandboxSmsGateway;
  /** The store every instance shares (the sandbox register's orders, the SMS outbox). */
  shared: SharedStore;
  clock: Clock;
  privacySecret: string;
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
  const recognizer = await IntentRecognizer.create();
  // One store for everything a user's next turn may need, so it can be served by any instance. The
  // same secret keys it on every instance: with PRIVACY_SECRET unset each process draws its own and
  // instances sharing one store would not find each other's entries.
  const shared = overrides.shared ?? new MemorySharedStore();
  const minid = SandboxMinIdService.fromBundledPopulation({ store: shared, secret: privacySecret });
  const sms = new SandboxSmsGateway({ now: clock, store: shared, secret: privacySecret });
  const codes = new OneTimeCodes({ now: clock, secret: privacySecret });

  const shared = overrides.shared ?? new MemorySharedStore();
  const conversationState = new ConversationState(overrides.storage ?? new MemoryStorage());
  const mainDialog = new MainDialog(
    { clock, minid, sms, codes, logger, acceptSynthetic: config.ACCEPT_SYNTHETIC_IDS, conversationState },
    promptDefaults(i18n),
  );
  const bot = new MinIdBot({
    conversationState,
    mainDialog,
    i18n,
    clock,
    logger,
    language: new LanguageResolver({
      defaultLang: config.DEFAULT_LOCALE,
      detect: detectLanguage,
      parseSwitch: parseLanguageSwitch,
    }),
    understand: (text) => recognizer.understand(text),
    idleTimeoutMinutes: config.IDLE_TIMEOUT_MINUTES,
    privacySecret,
    serializer: new TurnSerializer({
      lock: new SharedStoreTurnLock(shared),
      lockTtlMs: config.TURN_LOCK_TTL_MS,
      waitMs: config.TURN_WAIT_MS,
      onReleaseError: (err) => logger.warn({ err }, 'turn lock release failed; it expires by its TTL'),
    }),
  });
  return { bot, conversationState, i18n, logger, minid, sms, shared, clock, privacySecret };
}

/** The turn error handler for any adapter (the CloudAdapter here, a TestAdapter in tests). */
export function turnErrorHandler(built: Bot): (context: TurnContext, error: Error) => Promise<void> {
  return createTurnErrorHandler({
    logger: built.logger,
    i18n: built.i18n,
    conversationState: built.conversationState,
    privacySecret: built.privacySecret,
  });
}

export async function buildApp(config: Config, overrides: AppOverrides = {}): Promise<App> {
  const built = await buildBot(config, overrides);
  const auth = new ConfigurationBotFrameworkAuthentication({
    MicrosoftAppId: config.MicrosoftAppId,
    MicrosoftAppPassword: config.MicrosoftAppPassword,
    MicrosoftAppType: config.MicrosoftAppType,
    MicrosoftAppTenantId: config.MicrosoftAppTenantId,
  });
  const adapter = new CloudAdapter(auth);
  adapter.onTurnError = turnErrorHandler(built);
  const server = createServer({
    adapter,
    bot: built.bot,
    logger: built.logger,
    isReady: () => built.minid.isReady(),
    sandboxSms: config.SANDBOX_ENDPOINTS ? built.sms : undefined,
  });
  return {
    config,
    server,
    logger: built.logger,
    minid: built.minid,
    sms: built.sms,
    shared: built.shared,
    clock: built.clock,
  };
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
  const shutdown = (signal: string) => {
    app.logger.info({ signal }, 'shutting down');
    void close(app.server)
      .then(() => app.shared.close())
      .then(() => process.exit(0));
    // In-flight turns get a moment; a stuck connection must not keep the process alive forever.
    setTimeout(() => process.exit(0), 5000).unref();
  };
  process.once('SIGTERM', () => shutdown('SIGTERM'));
  process.once('SIGINT', () => shutdown('SIGINT'));
}

if (require.main === module) {
  main().catch((err: unknown) => {
    process.stderr.write(`Start-up failed: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exit(1);
  });
}
