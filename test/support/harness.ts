import { ActivityTypes, MemoryStorage, TestAdapter, TurnContext, type Storage } from 'botbuilder';
import { deliveryLogic } from '../../src/handoff/delivery';
import { Writable } from 'node:stream';
import type { DestinationStream } from 'pino';
import { loadConfig } from '../../src/config';
import { buildBot, turnErrorHandler, type Bot } from '../../src/index';
import type { IntentRecognizer } from '../../src/understanding';
import { fakeClock } from './fake-clock';

/** The clock the sandbox fixtures assume (their referenceDate, midday Oslo time). */
export const REFERENCE_NOW = '2026-11-24T12:00:00+01:00';

/** Collects every log line the bot writes, for the privacy tests. */
export function logCapture(): { destination: DestinationStream; lines: string[] } {
  const lines: string[] = [];
  const destination = new Writable({
    write(chunk: Buffer, _enc, cb) {
      lines.push(...chunk.toString('utf8').split('\n').filter(Boolean));
      cb();
    },
  });
  return { destination: destination as unknown as DestinationStream, lines };
}

export interface TestBot {
  adapter: TestAdapter;
  built: Bot;
  clock: ReturnType<typeof fakeClock>;
  logs: string[];
  /** The bot's storage (a MemoryStorage unless one was passed in). */
  storage: Storage;
  /** The default MemoryStorage's backing object, key -> JSON (deleted keys hold undefined), to inspect state. */
  memory: Record<string, string | undefined>;
}

/**
 * The real bot, built by the real composition root, driven by botbuilder's TestAdapter with a settable
 * clock. `locale` is the channel's locale on every activity the adapter makes.
 */
export async function startTestBot(
  options: {
    now?: string;
    locale?: string;
    env?: Record<string, string>;
    channelId?: string;
    storage?: Storage;
    /** Use the stores the configuration selects (e.g. STORAGE=redis in `env`) instead of a MemoryStorage. */
    configStores?: boolean;
    recognizer?: IntentRecognizer;
  } = {},
): Promise<TestBot> {
  const clock = fakeClock(options.now ?? REFERENCE_NOW);
  const capture = logCapture();
  const config = loadConfig({ LOG_LEVEL: 'debug', PRIVACY_SECRET: 'test-secret-0123456789', ...options.env });
  const memory: Record<string, string | undefined> = {};
  const override = options.configStores
    ? undefined
    : (options.storage ?? new MemoryStorage(memory as Record<string, string>));
  const built = await buildBot(config, {
    clock: clock.now,
    logDestination: capture.destination,
    storage: override,
    recognizer: options.recognizer,
  });
  const storage = built.storage;
  const adapter = new TestAdapter((context) => built.bot.run(context), {
    channelId: options.channelId ?? 'test',
  });
  adapter.locale = options.locale ?? 'nb-NO';
  adapter.onTurnError = turnErrorHandler(built);
  // With a builtin hub (AGENT_TOKENS), agent messages reach the user outside their turn: the TestAdapter
  // has no proactive path, so the delivery runs in a context of the stored reference on this adapter, and
  // what it sends lands in the adapter's queue like any reply.
  built.handoff?.connect(async (reference, text, options) => {
    const activity = TurnContext.applyConversationReference(
      { type: ActivityTypes.Event, name: 'ContinueConversation' },
      reference,
      true,
    );
    await deliveryLogic(
      built.conversationState,
      reference,
      text,
      options,
      built.i18n,
    )(new TurnContext(adapter, activity));
  });
  return { adapter, built, clock, logs: capture.lines, storage, memory };
}

/** The last code the sandbox SMS outbox holds for a number. */
export async function lastCode(bot: TestBot, to: string): Promise<string> {
  const sms = (await bot.built.sms.messagesTo(to)).at(-1);
  const code = sms ? /\b(\d{6})\b/.exec(sms.text)?.[1] : undefined;
  if (!code) throw new Error('no code in the sandbox outbox');
  return code;
}
