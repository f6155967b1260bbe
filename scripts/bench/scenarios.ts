import en from '../../locales/en.json';
import nb from '../../locales/nb.json';
import nn from '../../locales/nn.json';

/**
 * What the simulated users say. Each scenario walks one conversation; the load generator runs many at
 * once and starts a new conversation when one ends. A reply that is not what the flow expects throws, so
 * a benchmark that silently measured error answers would show up as failed flows instead.
 */

/** What a scenario can do in its conversation. */
export interface ConversationIo {
  /** One user message (timed, counted as a turn); resolves with the bot's message texts. */
  turn(text: string): Promise<string[]>;
  /** The newest 6-digit code the sandbox sent to this number (GET /sandbox/sms; not timed, not a turn). */
  latestCode(phone: string): Promise<string>;
}

export interface Scenario {
  name: string;
  /** Walks one conversation; `n` numbers conversations across the whole run (fresh phone numbers). */
  run(io: ConversationIo, n: number): Promise<void>;
}

export class FlowError extends Error {}

/** The fixed part of a locale text up to its first parameter, to recognise a reply without copying it. */
function stem(text: string): string {
  return text.split('{{')[0].trim();
}

const EXPECT = {
  idAsk: stem(nb.nationalId.ask),
  phoneAsk: stem(nb.phone.ask),
  codeSent: stem(nb.code.sent),
  verified: stem(nb.code.verified),
};
/** The error and "one moment" answers in every language (a question may switch the language). */
const NOT_AN_ANSWER = [nb, nn, en].flatMap((l) => [
  stem(l.errors.apology),
  stem(l.errors.conflict),
  stem(l.errors.storeUnavailable),
  stem(l.session.busy),
]);

function expectReply(replies: string[], part: string, step: string): void {
  if (!replies.some((r) => r.includes(part))) {
    throw new FlowError(`${step}: expected "${part}", got ${JSON.stringify(replies).slice(0, 300)}`);
  }
}

function expectAnswer(replies: string[], step: string): void {
  if (!replies.length || replies.some((r) => NOT_AN_ANSWER.some((bad) => r.includes(bad)))) {
    throw new FlowError(`${step}: no proper answer, got ${JSON.stringify(replies).slice(0, 300)}`);
  }
}

/**
 * Sandbox people whose number passes every check up to the register lookup (adults, no MinID yet). The
 * first order of each is recorded; later conversations with the same number get "already ordered",
 * which is as long a flow (the outcome comes after the code either way), so numbers can repeat freely.
 */
export const ORDERING_IDS = ['14838510036', '02879010090', '30917810024', '49848810087', '15884590024'];

/**
 * A fresh Norwegian mobile number per conversation, so per-phone abuse limits (codes per phone, distinct
 * IDs per phone) never trip however long the run: 40, 41 and 45-48 are mobile ranges (42-44 and 49 are
 * not), six digits after them, unique for the first 6,000,000 conversations of a run.
 */
export function benchPhone(n: number): string {
  const block = ['40', '41', '45', '46', '47', '48'][Math.floor(n / 1_000_000) % 6];
  return `${block}${String(n % 1_000_000).padStart(6, '0')}`;
}

/** The full order flow: welcome, menu "order", ID number, phone, the code from the outbox, the outcome. */
export const orderFlow: Scenario = {
  name: 'order flow',
  async run(io, n) {
    expectAnswer(await io.turn('hei'), 'welcome');
    expectReply(await io.turn('Bestille aktiveringsbrev'), EXPECT.idAsk, 'menu');
    expectReply(await io.turn(ORDERING_IDS[n % ORDERING_IDS.length]), EXPECT.phoneAsk, 'id');
    const phone = benchPhone(n);
    expectReply(await io.turn(phone), EXPECT.codeSent, 'phone');
    const code = await io.latestCode(`+47${phone}`);
    const outcome = await io.turn(code);
    expectReply(outcome, EXPECT.verified, 'code');
    if (outcome.length < 2) throw new FlowError('code: no outcome after the code');
  },
};

/** Free-text questions at the main menu, in the three languages (the understanding issue's topics). */
export const QUESTIONS = [
  'hvor lang tid tar det?',
  "what if the letter doesn't arrive?",
  'kva kostar det',
  'har ikkje fått sms',
  'hvor gammel må jeg være for å få minid?',
  'kan jeg bestille brev til en annen adresse?',
  'how long does the letter take?',
  'eg er fødd i 2012, kan eg bestille?',
];

export const questionMix: Scenario = {
  name: 'questions',
  async run(io, n) {
    expectAnswer(await io.turn('hei'), 'welcome');
    for (let i = 0; i < 5; i += 1) {
      const q = QUESTIONS[(n + i) % QUESTIONS.length];
      expectAnswer(await io.turn(q), `question "${q}"`);
    }
  },
};

/** The baseline's conversation: five messages echoed. */
export const echoChat: Scenario = {
  name: 'echo',
  async run(io, n) {
    for (let i = 0; i < 5; i += 1) {
      const text = `hello ${n} ${i}`;
      expectReply(await io.turn(text), text, 'echo');
    }
  },
};
