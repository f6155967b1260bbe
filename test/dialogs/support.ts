/**
 * Shared set-up for the per-dialog tests: real dependencies (sandbox register, sandbox SMS outbox, real
 * one-time codes, real locale texts and the real intent recogniser) around one dialog, driven by
 * botbuilder-testing's DialogTestClient, with a middleware that does per turn what MinIdBot does.
 */
import {
  ActivityTypes,
  ConversationState,
  MemoryStorage,
  type Activity,
  type Middleware,
  type TurnContext,
} from 'botbuilder';
import type { Dialog } from 'botbuilder-dialogs';
import { DialogTestClient } from 'botbuilder-testing';
import type { i18n } from 'i18next';
import { setTurnLanguage, setTurnUnderstanding } from '../../src/bot/turn';
import { createI18n, formatDate, langToLocale, type Lang } from '../../src/i18n';
import { createLogger } from '../../src/logging';
import { SandboxMinIdService } from '../../src/minid/sandbox';
import { SandboxSmsGateway } from '../../src/sms/sandbox';
import { MemorySharedStore } from '../../src/storage/memoryShared';
import { IntentRecognizer } from '../../src/understanding';
import { OneTimeCodes } from '../../src/verification/codes';
import { AbuseLimits } from '../../src/limits';
import type { DialogDeps } from '../../dialogs/dialogDeps';
import { promptDefaults, type PromptDefaults } from '../../dialogs/prompts';
import { fakeClock } from '../support/fake-clock';

/** The sandbox population's reference date, midday Oslo time (a Tuesday). */
export const NOW = '2026-11-24T12:00:00+01:00';

/** Sandbox people by their fixture key (src/minid/population.json). */
export const PEOPLE = {
  adultPlain: '14838510036',
  adultPostal: '02879010090',
  adultCareOf: '30917810024',
  hasMinId: '21816910037',
  activeOrder: '05859510002',
  expiredOrder: '17890150055',
  turns12: '01861450070',
  turns13: '30921350011',
  dNumber: '49848810087',
  noAddress: '28827510035',
} as const;

/** A Norwegian mobile number as a user types it, and its E.164 form. */
export const MOBILE = { typed: '412 34 567', e164: '+4741234567', masked: '+47 ••••••67' } as const;

/** What a test file builds once: the trained recogniser, the i18n instance and the prompt vocabularies. */
export interface Shared {
  recognizer: IntentRecognizer;
  i18n: i18n;
  prompts: PromptDefaults;
}

export async function loadShared(): Promise<Shared> {
  const [recognizer, i18next] = await Promise.all([IntentRecognizer.create(), createI18n()]);
  return { recognizer, i18n: i18next, prompts: promptDefaults(i18next) };
}

/** Fresh per-test dependencies; the storage's backing object is exposed so tests can read what is kept. */
export interface TestDeps {
  deps: DialogDeps;
  clock: ReturnType<typeof fakeClock>;
  minid: SandboxMinIdService;
  sms: SandboxSmsGateway;
  /**
   * Every `sms.send` call. The outbox can only be read per recipient, so "nothing was sent to anyone"
   * is asked of this spy.
   */
  smsSend: jest.SpiedFunction<SandboxSmsGateway['send']>;
  /** The shared store behind the register's recorded orders, the SMS outbox and the limits. */
  shared: MemorySharedStore;
  limits: AbuseLimits;
  conversationState: ConversationState;
  /** MemoryStorage's backing object: key -> JSON string (deleted keys hold undefined). */
  memory: Record<string, string | undefined>;
}

export function makeDeps(options: { acceptSynthetic?: boolean; minid?: SandboxMinIdService } = {}): TestDeps {
  const clock = fakeClock(NOW);
  const secret = 'dialog-test-secret-0123456789';
  const shared = new MemorySharedStore({ sweepIntervalMs: 0 });
  const minid = options.minid ?? SandboxMinIdService.fromBundledPopulation({ store: shared, secret });
  const sms = new SandboxSmsGateway({ now: clock.now, store: shared, secret });
  const smsSend = jest.spyOn(sms, 'send');
  const codes = new OneTimeCodes({ now: clock.now, secret });
  const logger = createLogger({ level: 'silent' });
  const limits = new AbuseLimits({ store: shared, secret, clock: clock.now, logger });
  const memory: Record<string, string | undefined> = {};
  const conversationState = new ConversationState(new MemoryStorage(memory as Record<string, string>));
  const deps: DialogDeps = {
    clock: clock.now,
    minid,
    sms,
    codes,
    limits,
    logger,
    acceptSynthetic: options.acceptSynthetic ?? true,
    conversationState,
  };
  return { deps, clock, minid, sms, smsSend, shared, limits, conversationState, memory };
}

/** Everything the storage holds, as one string (for "no digits kept" assertions). */
export function storageText(memory: Record<string, string | undefined>): string {
  return Object.values(memory)
    .filter((v): v is string => typeof v === 'string')
    .join('\n');
}

/**
 * What MinIdBot.prepareTurn does for a turn, minus the session: the channel locale, the fixed translator
 * and the recogniser's reading of the text. `lang` is read per turn so a test can change it.
 */
export function turnMiddleware(shared: Shared, lang: () => Lang): Middleware {
  return {
    onTurn: async (context: TurnContext, next: () => Promise<void>) => {
      const current = lang();
      context.activity.locale = langToLocale(current);
      setTurnLanguage(context, current, shared.i18n.getFixedT(current));
      const text =
        context.activity.type === ActivityTypes.Message ? (context.activity.text ?? '').trim() : '';
      if (text) setTurnUnderstanding(context, await shared.recognizer.understand(text));
      await next();
    },
  };
}

/**
 * A DialogTestClient with a transcript: `send` returns the texts of every reply of that turn, and
 * `transcript` holds every reply of the conversation (for "never shown" assertions).
 */
export class DialogDriver {
  readonly client: DialogTestClient;
  readonly transcript: string[] = [];
  readonly activities: Partial<Activity>[] = [];
  lang: Lang;

  constructor(shared: Shared, env: TestDeps, dialog: Dialog, options?: unknown, lang: Lang = 'nb') {
    this.lang = lang;
    this.client = new DialogTestClient(
      'test',
      dialog,
      options,
      [turnMiddleware(shared, () => this.lang)],
      env.conversationState,
    );
  }

  async send(text: string): Promise<string[]> {
    const first = await this.client.sendActivity(text);
    const replies: Partial<Activity>[] = first ? [first] : [];
    for (let next = this.client.getNextReply(); next; next = this.client.getNextReply()) replies.push(next);
    this.activities.push(...replies);
    const texts = replies.map((r) => r.text ?? '');
    this.transcript.push(...texts);
    return texts;
  }

  /** Sends and returns the turn's replies joined with newlines, handy for `toContain`. */
  async say(text: string): Promise<string> {
    return (await this.send(text)).join('\n');
  }

  get status(): string {
    return this.client.dialogTurnResult.status;
  }

  get result(): unknown {
    return this.client.dialogTurnResult.result;
  }
}

/** A locale text in a language, with the same interpolation the bot uses (dates via `localdate`). */
export function text(shared: Shared, lang: Lang, key: string, params: Record<string, unknown> = {}): string {
  return shared.i18n.getFixedT(lang)(key, params);
}

/** "8. desember 2026" / "8 December 2026". */
export function date(iso: string, lang: Lang = 'nb'): string {
  return formatDate(iso, lang);
}

/** The last one-time code the sandbox outbox holds for a number. */
export async function lastCode(sms: SandboxSmsGateway, to: string): Promise<string> {
  const message = (await sms.messagesTo(to)).at(-1);
  const code = message ? /\b(\d{6})\b/.exec(message.text)?.[1] : undefined;
  if (!code) throw new Error('no code in the sandbox outbox');
  return code;
}

/** A six-digit code that is certainly not `code`. */
export function wrongCode(code: string): string {
  return String((Number(code) + 1) % 1_000_000).padStart(6, '0');
}

const K1 = [3, 7, 6, 1, 8, 9, 4, 5, 2];
const K2 = [5, 4, 3, 2, 7, 6, 5, 4, 3, 2];
const weighted = (digits: string, weights: number[]) =>
  weights.reduce((sum, w, i) => sum + w * Number(digits[i]), 0);

/**
 * An 11-digit number with valid control digits from its first nine, walking the individual number up
 * when a control digit would be 10 (restated here from domain.md, independent of the rules module).
 */
export function withControlDigits(first9: string): string {
  for (let individual = Number(first9.slice(6)); individual < 1000; individual += 1) {
    const nine = first9.slice(0, 6) + String(individual).padStart(3, '0');
    const k1 = (11 - (weighted(nine, K1) % 11)) % 11;
    if (k1 === 10) continue;
    const k2 = (11 - (weighted(nine + k1, K2) % 11)) % 11;
    if (k2 === 10) continue;
    return `${nine}${k1}${k2}`;
  }
  throw new Error(`no valid number from ${first9}`);
}

/** True when `haystack` contains the 11 digits of `nationalId`, with or without separators between them. */
export function containsDigits(haystack: string, digits: string): boolean {
  return haystack.replace(/[\s.\-\u00a0•]/g, '').includes(digits);
}
