/**
 * Privacy: no national ID number, phone number or one-time code in clear anywhere the bot leaves traces.
 *
 * Every committed transcript is replayed against the real bot with debug logging captured, and these are
 * searched for every national ID of the sandbox population, the test mobile (E.164 and national form),
 * the landline and every code that was sent or typed (digit-only comparison, so "148385 10036" or
 * "+47 412 34 567" count too): every log line, every transcript file on disk, every error that reached the
 * adapter, every outgoing activity, every storage key written, and the stored conversation state once the
 * conversation has ended. Extra conversations seed values the transcripts don't have: a number typed at
 * the menu without being asked for, and a valid number that is not in the register.
 */
import { readFileSync } from 'node:fs';
import type { Activity, StoreItems } from 'botbuilder';
import type { TestBot } from '../support/harness';
import { parseNationalId } from '../../src/rules';
import { MemorySharedStore } from '../../src/storage/memoryShared';
import {
  PEOPLE,
  TEST_PHONE,
  listTranscriptFiles,
  personId,
  readTranscript,
  type UserTurn,
} from '../transcripts/format';
import { runConversation, type ConversationRun, type ConversationSetup } from '../transcripts/runner';
import { codeSecrets, codesIn, findSecrets, seededSecrets, type Secret } from '../transcripts/secrets';

// ---------------------------------------------------------------------------------------------------------
// Helpers

/** Records every storage key the bot writes (the harness's storage is the bot's conversation storage). */
function spyOnWrites(bot: TestBot, keysWritten: string[]): void {
  const storage = bot.storage;
  const write = storage.write.bind(storage);
  storage.write = async (changes: StoreItems) => {
    keysWritten.push(...Object.keys(changes));
    return write(changes);
  };
}

interface Watched {
  run: ConversationRun;
  keysWritten: string[];
}

async function watchConversation(setup: ConversationSetup): Promise<Watched> {
  const keysWritten: string[] = [];
  const run = await runConversation(setup, { prepare: (bot) => spyOnWrites(bot, keysWritten) });
  return { run, keysWritten };
}

/** Generated ids and times on outgoing activities carry no user data and would only add noise. */
function activityForScan(activity: Partial<Activity>): string {
  const copy: Record<string, unknown> = { ...activity };
  for (const key of ['id', 'timestamp', 'localTimestamp', 'replyToId']) delete copy[key];
  return JSON.stringify(copy);
}

/** Every place the conversation left a trace, each finding as "<where>: <what>", never the value. */
async function leaks(watched: Watched, extra: Secret[] = []): Promise<string[]> {
  const { run, keysWritten } = watched;
  // The transcripts type one mobile only (TEST_PHONE), so its outbox holds every code sent.
  const sms = (await run.bot.built.sms.messagesTo(TEST_PHONE.e164)).map((m) => m.text);
  const secrets = [...seededSecrets(), ...extra, ...codeSecrets([...codesIn(sms), ...run.typedCodes])];
  const out: string[] = [];
  const scan = (where: string, text: string) => {
    for (const label of findSecrets(text, secrets)) out.push(`${where}: ${label}`);
  };
  run.bot.logs.forEach((line, i) => scan(`log line ${i + 1}`, line));
  run.outgoing.forEach((a, i) => scan(`outgoing activity ${i + 1}`, activityForScan(a)));
  run.errors.forEach((err, i) => {
    const e = err as Error;
    scan(`error ${i + 1}`, `${e?.name} ${e?.message} ${e?.stack ?? String(err)}`);
  });
  [...new Set(keysWritten)].forEach((key) => scan('storage key', key));
  // Shared-store keys (recorded orders, the SMS outbox) must be pseudonymous too. Its values are not
  // scanned: the outbox holds the codes by design (it is how the sandbox shows them).
  const shared = run.bot.built.shared;
  if (!(shared instanceof MemorySharedStore))
    throw new Error('the test bot is expected on a MemorySharedStore');
  shared.keys().forEach((key) => scan('shared store key', key));
  for (const [key, value] of Object.entries(run.bot.memory)) {
    if (value !== undefined) scan(`stored state after the end (${key})`, value);
  }
  return out;
}

/**
 * A valid synthetic (Tenor, month + 80) birth number that is not in the sandbox register: built here with
 * the mod-11 rule from docs/domain.md, so nothing outside this test knows it.
 */
function unregisteredSyntheticId(): string {
  const k1w = [3, 7, 6, 1, 8, 9, 4, 5, 2];
  const k2w = [5, 4, 3, 2, 7, 6, 5, 4, 3, 2];
  const control = (digits: number[], weights: number[]) => {
    const k = 11 - (weights.reduce((s, w, i) => s + w * digits[i], 0) % 11);
    return k === 11 ? 0 : k;
  };
  for (let individual = 123; individual < 500; individual++) {
    const base = `078192${String(individual).padStart(3, '0')}`.split('').map(Number); // born 7 Jan 1992
    const k1 = control(base, k1w);
    if (k1 === 10) continue;
    const k2 = control([...base, k1], k2w);
    if (k2 === 10) continue;
    const id = [...base, k1, k2].join('');
    if (!PEOPLE.some((p) => p.nationalId === id)) return id;
  }
  throw new Error('no synthetic number found');
}

// ---------------------------------------------------------------------------------------------------------
// The detector itself: if it found nothing in these, every check below would pass vacuously.

describe('the leak detector', () => {
  const secrets = [...seededSecrets(), ...codeSecrets(['482913'])];
  const id = PEOPLE[0].nationalId;

  it.each([
    ['plain', `fnr=${id}`],
    ['spaced', `number ${id.slice(0, 6)} ${id.slice(6)} typed`],
    ['dotted and dashed', `${id.slice(0, 2)}.${id.slice(2, 4)}.${id.slice(4, 6)}-${id.slice(6)}`],
    ['inside JSON', JSON.stringify({ msg: 'x', value: id })],
  ])('finds a national ID written %s', (_how, text) => {
    expect(findSecrets(text, secrets)).toEqual([`national ID of ${PEOPLE[0].key}`]);
  });

  it('finds the test mobile in E.164 and national form, and a code with or without a space', () => {
    expect(findSecrets('sent to +47 412 34 567', secrets)).toEqual(
      expect.arrayContaining(['test mobile (E.164)', 'test mobile (national)']),
    );
    expect(findSecrets('ring 41234567', secrets)).toEqual(['test mobile (national)']);
    expect(findSecrets('koden er 482913.', secrets)).toEqual(['one-time code #1']);
    expect(findSecrets('koden er 482 913', secrets)).toEqual(['one-time code #1']);
  });

  it('does not read a code into a 16-hex pseudonym, but still finds one beside it', () => {
    const codes = codeSecrets(['033425']);
    expect(findSecrets('{"conversation":"da0b590334252bfb","msg":"turn"}', codes)).toEqual([]);
    expect(findSecrets('{"conversation":"da0b590334252bfb","msg":"koden er 033425"}', codes)).toEqual([
      'one-time code #1',
    ]);
  });

  it('leaves masked values, support numbers and dates alone', () => {
    const clean =
      'slutter på 36, sendt til +47 ••••••67, ring 800 30 300, 8. desember 2026, 2026-11-24T11:00:00Z';
    expect(findSecrets(clean, secrets)).toEqual([]);
  });
});

// ---------------------------------------------------------------------------------------------------------
// Transcript files on disk

const files = listTranscriptFiles();

describe('transcript files on disk', () => {
  it('exist', () => {
    expect(files.length).toBeGreaterThan(0);
  });

  it.each(files.map((f) => [f.rel, f.path] as const))(
    '%s holds no ID, phone or code in clear',
    (_rel, path) => {
      const raw = readFileSync(path, 'utf8');
      expect(findSecrets(raw, seededSecrets())).toEqual([]);
      // Codes of the recording run are gone; no code-shaped or longer digit run may remain at all, apart from
      // the support number, the clock ("now") and dates the user typed (20.10.2026).
      const runs = raw
        .replace(/\b\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(Z|[+-]\d{2}:\d{2})/g, ' ')
        .replace(/\b\d{1,2}\.\d{1,2}\.\d{4}\b/g, ' ')
        .match(/\d(?:[\s.\-\u2013\u00a0]?\d)*/g);
      const long = (runs ?? []).map((r) => r.replace(/\D/g, '')).filter((r) => r.length >= 6);
      expect(long.filter((r) => r !== '80030300' && r !== '4780030300')).toEqual([]);
    },
  );
});

// ---------------------------------------------------------------------------------------------------------
// Replaying every transcript

describe.each(files.map((f) => [f.rel, f.path] as const))('replaying %s', (_rel, path) => {
  it('leaves no ID, phone or code in logs, activities, errors, storage keys or the final state', async () => {
    const t = readTranscript(path);
    const watched = await watchConversation({
      locale: t.locale,
      channelId: t.channelId,
      now: t.now,
      env: t.env,
      turns: t.turns,
    });
    // The captures work: debug lines were logged and state was written.
    expect(watched.run.bot.logs.some((line) => line.includes('"level":"debug"'))).toBe(true);
    expect(watched.keysWritten.length).toBeGreaterThan(0);
    expect(await leaks(watched)).toEqual([]);
  });
});

// ---------------------------------------------------------------------------------------------------------
// Values the transcripts don't seed

const turns = (...texts: string[]): UserTurn[] => texts.map((user) => ({ user }));

describe('personal data typed where nobody asked for it', () => {
  it('a valid number typed at the menu, bare and in a sentence, and the mobile too, is not logged or kept', async () => {
    const watched = await watchConversation({
      locale: 'nb-NO',
      channelId: 'test',
      now: '2026-11-24T12:00:00+01:00',
      turns: turns(
        'hei',
        '{{id:adult-plain}}',
        'fødselsnummeret mitt er {{id:born-1945:spaced}}',
        'my number is {{id:d-number}} and my mobile is {{phone}}',
        // A number typed at the menu starts the order with it (issue 10), so the running flow holds it
        // like one typed at its prompt; cancelling drops it, and nothing may be kept after that.
        'avbryt',
      ),
    });
    expect(watched.run.typed.join(' ')).toContain(personId('adult-plain'));
    expect(watched.run.bot.logs.length).toBeGreaterThan(0);
    expect(await leaks(watched)).toEqual([]);
  });

  it('a valid number that is not in the register, through the whole order, is not logged or kept', async () => {
    const id = unregisteredSyntheticId();
    expect(parseNationalId(id, { today: '2026-11-24', acceptSynthetic: true }).ok).toBe(true);
    const watched = await watchConversation({
      locale: 'nb-NO',
      channelId: 'test',
      now: '2026-11-24T12:00:00+01:00',
      // The number typed again at the menu starts a new order with it; "avbryt" ends that flow.
      turns: turns(
        'hei',
        '1',
        id,
        `+47 ${TEST_PHONE.typed}`,
        '{{code}}',
        `${id.slice(0, 6)} ${id.slice(6)}`,
        'avbryt',
      ),
    });
    const replies = watched.run.outgoing.map((a) => a.text ?? '').join('\n');
    expect(replies).toContain('Jeg fikk ikke bestilt brev med det nummeret');
    expect(await leaks(watched, [{ label: 'unregistered synthetic ID', digits: id, kind: 'id' }])).toEqual(
      [],
    );
  });

  it('an error whose message holds the number and phone is logged redacted and never shown to the user', async () => {
    const keysWritten: string[] = [];
    const run = await runConversation(
      {
        locale: 'nb-NO',
        channelId: 'test',
        now: '2026-11-24T12:00:00+01:00',
        turns: turns('hei', '1', '{{id:adult-plain}}', '{{phone}}', '{{code}}', 'hei'),
      },
      {
        prepare: (bot) => {
          bot.built.minid.findPerson = async (nationalId: string) => {
            throw new Error(`register lookup failed for ${nationalId} (sms to ${TEST_PHONE.e164})`);
          };
          spyOnWrites(bot, keysWritten);
        },
      },
    );
    // The error really happened and was logged, so the checks below are not vacuous.
    expect(run.errors).toHaveLength(1);
    const errorLines = run.bot.logs.filter((l) => l.includes('unhandled turn error'));
    expect(errorLines).toHaveLength(1);
    // Useful to operators (the message is there) and safe (the number and phone in it are redacted).
    expect(errorLines[0]).toContain('register lookup failed for [redacted]');
    // The thrown error is the test's own; everything the bot made of it must be clean.
    const withoutErrors: Watched = { run: { ...run, errors: [] }, keysWritten };
    expect(await leaks(withoutErrors)).toEqual([]);
    expect(run.outgoing.map((a) => a.text ?? '').join('\n')).toContain('Beklager, noe gikk galt');
  });

  it('an ID in an English message mid-flow (at the code prompt) is not logged or kept', async () => {
    const watched = await watchConversation({
      locale: 'en-US',
      channelId: 'test',
      now: '2026-11-24T12:00:00+01:00',
      turns: turns(
        'hello',
        '1',
        '{{id:adult-plain}}',
        '{{phone}}',
        'is {{id:adult-plain:spaced}} right?',
        '{{code}}',
        'no',
      ),
    });
    expect(await leaks(watched)).toEqual([]);
  });
});
