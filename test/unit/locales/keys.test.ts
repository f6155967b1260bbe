import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import nb from '../../../locales/nb.json';
import nn from '../../../locales/nn.json';
import en from '../../../locales/en.json';
import { foldToGsm7, renderMessage } from '../../../src/bot/render';
import type { LetterStatus, NationalIdFailure, OrderDecision, OrderOutcome } from '../../../src/rules';
import type { PhoneFailure } from '../../../src/verification/phone';
import { INTENTS } from '../../../src/understanding';
import { QUESTION_INTENTS, isQuestionIntent } from '../../../dialogs/answers';
import { LETTER_TOPICS } from '../../../dialogs/letterQuestionsDialog';

/**
 * The three locale files are one text in three languages: same keys, same placeholders, nothing empty,
 * every key the code asks for present, and every text sendable by SMS (GSM-7 once folded).
 */

const ROOT = join(__dirname, '..', '..', '..');
type Lang = 'nb' | 'nn' | 'en';
const LOCALES: Record<Lang, unknown> = { nb, nn, en };
const LANGS = Object.keys(LOCALES) as Lang[];

type Leaf = string | string[];

/** Dotted key -> leaf (a string or an array of strings); any other value type is reported as is. */
function flatten(value: unknown, prefix = '', out = new Map<string, unknown>()): Map<string, unknown> {
  if (value && typeof value === 'object' && !Array.isArray(value)) {
    for (const [k, v] of Object.entries(value)) flatten(v, prefix ? `${prefix}.${k}` : k, out);
  } else {
    out.set(prefix, value);
  }
  return out;
}

const FLAT: Record<Lang, Map<string, unknown>> = {
  nb: flatten(nb),
  nn: flatten(nn),
  en: flatten(en),
};
const TOP_LEVEL = new Set(Object.keys(nb));

function allStrings(lang: Lang): Array<[key: string, text: string]> {
  const out: Array<[string, string]> = [];
  for (const [key, value] of FLAT[lang]) {
    if (typeof value === 'string') out.push([key, value]);
    else if (Array.isArray(value)) value.forEach((v, i) => out.push([`${key}[${i}]`, String(v)]));
  }
  return out;
}

/** `{{name}}` and `{{name, format}}`, normalised to "name" / "name, format". */
function placeholders(text: string): string[] {
  return [...text.matchAll(/\{\{\s*([^}]*?)\s*\}\}/g)]
    .map((m) =>
      m[1]
        .split(',')
        .map((p) => p.trim())
        .join(', '),
    )
    .sort();
}

/** True when `key` resolves in `lang` for i18next: a leaf, or a plural pair `_one`/`_other`. */
function resolves(lang: Lang, key: string): boolean {
  const flat = FLAT[lang];
  const leaf = flat.get(key) as Leaf | undefined;
  if (typeof leaf === 'string' || Array.isArray(leaf)) return true;
  return typeof flat.get(`${key}_one`) === 'string' && typeof flat.get(`${key}_other`) === 'string';
}

describe('locale files have the same shape', () => {
  it.each(LANGS.filter((l) => l !== 'nb'))('%s has exactly the keys of nb', (lang) => {
    const missing = [...FLAT.nb.keys()].filter((k) => !FLAT[lang].has(k));
    const extra = [...FLAT[lang].keys()].filter((k) => !FLAT.nb.has(k));
    expect({ missing, extra }).toEqual({ missing: [], extra: [] });
  });

  it.each(LANGS)('%s has only strings and arrays of strings as values', (lang) => {
    const bad = [...FLAT[lang]].filter(
      ([, v]) => typeof v !== 'string' && !(Array.isArray(v) && v.every((x) => typeof x === 'string')),
    );
    expect(bad).toEqual([]);
  });

  it.each(LANGS)('%s has no empty text', (lang) => {
    const empty = allStrings(lang).filter(([, text]) => text.trim() === '');
    const emptyArrays = [...FLAT[lang]].filter(([, v]) => Array.isArray(v) && v.length === 0);
    expect([...empty, ...emptyArrays].map(([k]) => k)).toEqual([]);
  });

  it('has lists of the same length in every language, except word lists (vocabularies, not translations)', () => {
    for (const [key, value] of FLAT.nb) {
      if (!Array.isArray(value) || /Words$/.test(key)) continue;
      expect({ key, lengths: LANGS.map((l) => (FLAT[l].get(key) as unknown[]).length) }).toEqual({
        key,
        lengths: LANGS.map(() => value.length),
      });
    }
  });

  it.each(LANGS)('%s has plural forms in pairs (_one with _other)', (lang) => {
    const keys = [...FLAT[lang].keys()];
    const unpaired = keys.filter((k) => {
      const m = /^(.*)_(one|other)$/.exec(k);
      return m !== null && !FLAT[lang].has(`${m[1]}_${m[2] === 'one' ? 'other' : 'one'}`);
    });
    expect(unpaired).toEqual([]);
    // A plural pair never also exists as a plain key, which i18next would then ignore.
    const shadowed = keys.filter((k) => /_one$/.test(k) && FLAT[lang].has(k.replace(/_one$/, '')));
    expect(shadowed).toEqual([]);
  });

  it('uses the same placeholders (and formats) for the same key in every language', () => {
    const differ: string[] = [];
    for (const [key] of allStrings('nb')) {
      const per = LANGS.map((lang) => {
        const found = allStrings(lang).find(([k]) => k === key);
        return placeholders(found?.[1] ?? '').join(' | ');
      });
      if (new Set(per).size > 1) differ.push(`${key}: ${LANGS.map((l, i) => `${l}=[${per[i]}]`).join(' ')}`);
    }
    expect(differ).toEqual([]);
  });

  it('says {{count}} in every _other plural form (a _one form may spell the number out)', () => {
    const without = LANGS.flatMap((lang) =>
      allStrings(lang)
        .filter(([key, text]) => /_other$/.test(key) && !placeholders(text).includes('count'))
        .map(([key]) => `${lang}:${key}`),
    );
    expect(without).toEqual([]);
  });
});

// ---------------------------------------------------------------------------------------------------------
// Keys the code asks for

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return sourceFiles(path);
    return path.endsWith('.ts') && !path.endsWith('.d.ts') ? [path] : [];
  });
}

const SOURCES = [...sourceFiles(join(ROOT, 'src')), ...sourceFiles(join(ROOT, 'dialogs'))].map((path) => ({
  file: relative(ROOT, path),
  text: readFileSync(path, 'utf8'),
}));

/** Quoted literals shaped like a locale key (`menu.ask`, "outcome.can-order") under a top-level locale key. */
function staticKeys(): Array<{ file: string; key: string }> {
  const found: Array<{ file: string; key: string }> = [];
  for (const { file, text } of SOURCES) {
    for (const m of text.matchAll(/(['"`])([A-Za-z][\w-]*(?:\.[\w-]+)+)\1/g)) {
      if (TOP_LEVEL.has(m[2].split('.')[0])) found.push({ file, key: m[2] });
    }
  }
  return found;
}

/** Template literals that build a key (`nationalId.invalid.${reason}`): their fixed prefix. */
function dynamicPrefixes(): Array<{ file: string; prefix: string }> {
  const found: Array<{ file: string; prefix: string }> = [];
  for (const { file, text } of SOURCES) {
    for (const m of text.matchAll(/`([A-Za-z][\w-]*(?:\.[\w-]+)*)\.\$\{/g)) {
      if (TOP_LEVEL.has(m[1].split('.')[0])) found.push({ file, prefix: m[1] });
    }
  }
  return found;
}

/** The string members of a union type as written in a source file (`export type X = 'a' | 'b';`). */
function unionMembers(file: string, typeName: string): string[] {
  const text = readFileSync(join(ROOT, file), 'utf8');
  const m = new RegExp(`export type ${typeName} =([^;]+);`).exec(text);
  if (!m) throw new Error(`${file} has no union type ${typeName}`);
  return [...m[1].matchAll(/'([^']+)'/g)].map((x) => x[1]);
}

/**
 * A list that must name every member of a union: the compiler (tsc in CI) rejects it when a member is
 * missing, so a new failure reason or outcome cannot go without its text.
 */
function every<T extends string>() {
  return <const A extends readonly T[]>(
    values: A & ([Exclude<T, A[number]>] extends [never] ? unknown : { missing: Exclude<T, A[number]> }),
  ): readonly T[] => values;
}

const NATIONAL_ID_FAILURES = every<NationalIdFailure>()([
  'empty',
  'length',
  'characters',
  'date',
  'checksum',
  'future',
  'h-number',
  'synthetic',
]);
const PHONE_FAILURES = every<PhoneFailure>()(['empty', 'characters', 'invalid', 'not-mobile']);
const OUTCOMES = every<OrderOutcome>()(['can-order', 'too-young', 'has-minid', 'active-order', 'no-address']);
type AddressKind = Extract<OrderDecision, { outcome: 'can-order' }>['address'];
const ADDRESS_KINDS = every<AddressKind>()(['postal', 'residential']);
const LETTER_PHASES = every<LetterStatus['phase']>()(['on-the-way', 'overdue', 'expired', 'future']);

/** The menu items, read from the dialog (the list is file-local there). */
function menuItems(): string[] {
  const text = readFileSync(join(ROOT, 'dialogs/mainDialog.ts'), 'utf8');
  const m = /const MENU = \[([^\]]+)\] as const/.exec(text);
  if (!m) throw new Error('dialogs/mainDialog.ts has no MENU list');
  return [...m[1].matchAll(/'([^']+)'/g)].map((x) => x[1]);
}

/** Every dynamic key prefix the code builds, with the values it can take. `help` falls back to help.general. */
const DYNAMIC: Record<string, readonly string[] | 'optional'> = {
  'nationalId.invalid': NATIONAL_ID_FAILURES,
  'phone.invalid': PHONE_FAILURES,
  outcome: OUTCOMES,
  'order.address': ADDRESS_KINDS,
  'letter.status': LETTER_PHASES,
  answers: QUESTION_INTENTS,
  'letter.topics': LETTER_TOPICS,
  'menu.items': menuItems(),
  'language.names': LANGS,
  help: 'optional',
  // Topic button titles: a fallback offers the likeliest topics (question intents and the flows).
  topics: 'optional',
  // Asking before a destructive command the classifier only guessed, with the command as a button.
  'interrupt.confirm': ['cancel', 'restart', 'delete-conversation'],
  'interrupt.commandButtons': ['cancel', 'restart', 'delete-conversation'],
  // The app guide's moves.
  app: ['next', 'back', 'repeat', 'stop'],
  // Why a person is offered (src/rules/handoff.ts).
  'handoffFlow.offer': ['asked', 'failed-tries', 'rule', 'not-understood'],
};

describe('every key the code uses exists in every language', () => {
  it('finds the static keys in the sources (the scan itself works)', () => {
    const keys = new Set(staticKeys().map((k) => k.key));
    expect(keys.size).toBeGreaterThan(50);
    for (const known of ['welcome.greeting', 'errors.apology', 'menu.ask', 'sms.code', 'code.wrong']) {
      expect(keys).toContain(known);
    }
  });

  it.each(LANGS)('%s has every static key the code uses', (lang) => {
    const missing = staticKeys().filter(({ key }) => !resolves(lang, key));
    expect(missing).toEqual([]);
  });

  it('knows the values of every dynamic key the code builds', () => {
    const unknown = dynamicPrefixes().filter(({ prefix }) => !(prefix in DYNAMIC));
    expect(unknown).toEqual([]);
    // And every enumeration here is still used by the code.
    const used = new Set(dynamicPrefixes().map((d) => d.prefix));
    for (const prefix of Object.keys(DYNAMIC).filter((p) => DYNAMIC[p] !== 'optional')) {
      if (!used.has(prefix)) {
        expect(staticKeys().some(({ key }) => key.startsWith(`${prefix}.`))).toBe(true);
      }
    }
  });

  it('enumerates the unions as the sources declare them', () => {
    expect([...NATIONAL_ID_FAILURES].sort()).toEqual(
      unionMembers('src/rules/types.ts', 'NationalIdFailure').sort(),
    );
    expect([...PHONE_FAILURES].sort()).toEqual(
      unionMembers('src/verification/phone.ts', 'PhoneFailure').sort(),
    );
    // Every question intent the recogniser can produce has an answer.
    expect(INTENTS.filter((i) => isQuestionIntent(i)).sort()).toEqual([...QUESTION_INTENTS].sort());
  });

  it.each(LANGS)('%s has a text for every value of every dynamic key', (lang) => {
    const missing: string[] = [];
    for (const [prefix, values] of Object.entries(DYNAMIC)) {
      if (values === 'optional') continue;
      for (const v of values) if (!resolves(lang, `${prefix}.${v}`)) missing.push(`${prefix}.${v}`);
    }
    expect(missing).toEqual([]);
  });

  it('has help texts only for prompts that exist (help.general is the fallback)', () => {
    expect(resolves('nb', 'help.general')).toBe(true);
    const dialogText = SOURCES.filter((s) => s.file.startsWith('dialogs')).map((s) => s.text);
    const orphans = [...FLAT.nb.keys()]
      .filter((k) => k.startsWith('help.') && k !== 'help.general')
      .map((k) => k.slice('help.'.length))
      .filter((id) => !dialogText.some((t) => t.includes(`'${id}'`)));
    expect(orphans).toEqual([]);
  });
});

// ---------------------------------------------------------------------------------------------------------
// SMS: GSM-7

/** GSM 03.38 default alphabet (basic set), as characters. */
const GSM7_BASIC = new Set(
  '@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞ\u001bÆæßÉ !"#¤%&\'()*+,-./0123456789:;<=>?' +
    '¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà',
);
/** The extension table (each costs two septets). */
const GSM7_EXTENSION = new Set('\f^{}\\[~]|€');
const isGsm7 = (c: string) => GSM7_BASIC.has(c) || GSM7_EXTENSION.has(c);
const nonGsm7 = (text: string) => [...new Set([...text].filter((c) => !isGsm7(c)))];

/** The typographic characters the texts may use; the SMS renderer folds them. */
const FOLDED_IN_SMS = ['«', '»', '–', '’'];

describe('GSM-7', () => {
  it('the charset check itself: Norwegian letters are GSM-7, typographic quotes and emoji are not', () => {
    expect(nonGsm7('Æøå ÆØÅ é ò € [x]')).toEqual([]);
    expect(nonGsm7('«hei» – ’ “x” … ✓ ê')).toEqual(['«', '»', '–', '’', '“', '”', '…', '✓', 'ê']);
  });

  it.each(LANGS)('%s uses no character outside GSM-7 except « » – ’', (lang) => {
    const bad = allStrings(lang)
      .map(([key, text]) => ({ key, chars: nonGsm7(text).filter((c) => !FOLDED_IN_SMS.includes(c)) }))
      .filter((x) => x.chars.length > 0);
    expect(bad).toEqual([]);
  });

  it.each(LANGS)('%s is pure GSM-7 once folded for SMS (foldToGsm7 and the SMS renderer)', (lang) => {
    const bad: Array<{ key: string; chars: string[] }> = [];
    for (const [key, text] of allStrings(lang)) {
      const folded = foldToGsm7(text);
      if (nonGsm7(folded).length) bad.push({ key, chars: nonGsm7(folded) });
      const rendered = String(renderMessage('sms', text).text);
      if (nonGsm7(rendered).length) bad.push({ key: `${key} (rendered)`, chars: nonGsm7(rendered) });
    }
    expect(bad).toEqual([]);
  });

  it.each(LANGS)('%s texts sent by SMS without the renderer (sms.*) are GSM-7 as written', (lang) => {
    const sms = allStrings(lang).filter(([key]) => key.startsWith('sms.'));
    expect(sms.length).toBeGreaterThan(0);
    for (const [key, text] of sms) expect({ key, chars: nonGsm7(text) }).toEqual({ key, chars: [] });
  });

  it('folds every typographic character it knows into GSM-7 and leaves GSM-7 text alone', () => {
    const typographic = '«sitat» “quote” ‘x’ a–b a—b vent… •• no\u00a0break';
    expect(nonGsm7(foldToGsm7(typographic))).toEqual([]);
    expect(foldToGsm7(typographic)).toBe('"sitat" "quote" \'x\' a-b a-b vent... ** no break');
    const plain = 'Hei! Æ Ø Å æ ø å, kode: 123456. €5 [ok]';
    expect(foldToGsm7(plain)).toBe(plain);
  });
});
