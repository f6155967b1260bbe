/**
 * Every locale text that can reach a user by SMS, in every language, rendered as the bot renders it on
 * SMS (i18next context `sms`, so a shorter `<key>_sms` wording wins where there is one) with realistic,
 * long parameters, then folded to GSM-7: it must be GSM-7 and fit two segments on its own. The merger
 * and splitter in src/bot/render.ts keep whole turns within two segments a message; this keeps each
 * text from relying on a split.
 */
import type { TFunction } from 'i18next';
import { createI18n, LANGS, type Lang } from '../../src/i18n';
import { SUPPORT } from '../../src/rules';
import { SMS_MAX_SEGMENTS, isGsm7, smsSegments, toGsm7 } from '../../src/bot/render';
import { readLocale, type LocaleTree } from '../http/support';

/** Blocks that never go out by SMS, each with why. */
const SKIPPED_BLOCKS: Record<string, string> = {
  console: 'the support agents’ console texts are shown on a web page, never sent to a citizen',
  webchat: 'the web chat page’s own texts (language picker, sandbox phone panel) exist only on that page',
};

/** Single keys not checked here, each with why. */
const SKIPPED_KEYS: Record<string, string> = {
  'app.steps': 'an array, sent one step at a time through app.stepOf, which is checked with every step',
};

/** Realistic values, on the long side: the longest month name, a long agent name, two-digit counts. */
function params(lang: Lang, t: TFunction, key: string): Record<string, unknown> {
  const steps = t('app.steps', { returnObjects: true }) as unknown as string[];
  const longestStep = [...steps].sort((a, b) => b.length - a.length)[0];
  return {
    phone: SUPPORT.phone,
    phoneAbroad: SUPPORT.phoneFromAbroad,
    email: SUPPORT.email,
    orderedOn: '2026-09-30',
    deliveryBy: '2026-09-30',
    validUntil: '2026-09-30',
    newOrderFrom: '2026-09-30',
    orderableFrom: '2026-09-30',
    at: '2026-09-30T13:45:00+02:00',
    validDays: 60,
    maxDays: 14,
    minutes: 10,
    days: 5,
    age: 13,
    tries: 3,
    place: 12,
    n: 8,
    total: 8,
    length: 6,
    codeLength: 6,
    lastTwo: '36',
    code: '123456',
    name: 'Kristoffer Halvorsen-Bjørnstad',
    // app.stepOf carries a step; handoff.fromAgent an agent's line (long ones are split by the shaper).
    text:
      key === 'app.stepOf'
        ? longestStep
        : lang === 'en'
          ? 'I have checked your order, and the letter is on its way to your postal address.'
          : 'Jeg har sjekket bestillingen din, og brevet er på vei til postadressen din.',
  };
}

const PLURAL = /_(zero|one|two|few|many|other)$/;

/** Every string leaf key (dotted), skipping arrays and the blocks above. */
function stringKeys(tree: LocaleTree, prefix = ''): string[] {
  return Object.entries(tree).flatMap(([k, v]) => {
    const key = prefix ? `${prefix}.${k}` : k;
    if (!prefix && k in SKIPPED_BLOCKS) return [];
    if (typeof v === 'string') return [key];
    if (Array.isArray(v)) return [];
    return stringKeys(v, key);
  });
}

interface Checked {
  lang: Lang;
  key: string;
  text: string;
}

async function renderAll(): Promise<Checked[]> {
  const i18n = await createI18n();
  const out: Checked[] = [];
  for (const lang of LANGS) {
    const t = i18n.getFixedT(lang);
    for (const leaf of stringKeys(readLocale(lang))) {
      // A `_sms` variant is what its base key renders to on SMS; it is checked there.
      if (leaf.endsWith('_sms') || leaf in SKIPPED_KEYS) continue;
      const plural = PLURAL.exec(leaf);
      const key = plural ? leaf.slice(0, plural.index) : leaf;
      const count = plural ? (plural[1] === 'one' ? 1 : 12) : undefined;
      const text = t(key, { ...params(lang, t, key), count, context: 'sms' });
      out.push({ lang, key: leaf, text: toGsm7(text) });
    }
  }
  return out;
}

describe('every SMS-reachable text', () => {
  let checked: Checked[];
  beforeAll(async () => {
    checked = await renderAll();
  });

  it('covers all three languages and every block but the skipped ones', () => {
    for (const lang of LANGS) expect(checked.filter((c) => c.lang === lang).length).toBeGreaterThan(150);
    expect(checked.some((c) => c.key === 'welcome.capabilities')).toBe(true);
    expect(checked.some((c) => c.key.startsWith('console.') || c.key.startsWith('webchat.'))).toBe(false);
  });

  it('is fully rendered: no placeholder left', () => {
    expect(checked.filter((c) => /\{\{|\}\}/.test(c.text))).toEqual([]);
  });

  it('is GSM-7 after folding and fits two segments', () => {
    const bad = checked
      .map((c) => ({ ...c, ...smsSegments(c.text), gsm7: isGsm7(c.text) }))
      .filter((c) => !c.gsm7 || c.encoding !== 'GSM-7' || c.segments > SMS_MAX_SEGMENTS);
    expect(bad).toEqual([]);
  });

  it('uses the shorter _sms wording where one exists, and that wording is shorter', () => {
    const withVariant = checked.filter((c) =>
      Object.prototype.hasOwnProperty.call(flat(readLocale(c.lang)), `${c.key}_sms`),
    );
    expect(withVariant.length).toBeGreaterThanOrEqual(3 * 5);
    for (const c of withVariant) {
      const variant = flat(readLocale(c.lang))[`${c.key}_sms`];
      const original = flat(readLocale(c.lang))[c.key];
      expect(variant.length).toBeLessThan(original.length);
      // The rendered text is the variant's (its first words), not the original's.
      expect(c.text.slice(0, 12)).toBe(toGsm7(variant).slice(0, 12));
    }
  });

  it('keeps æ, ø and å (GSM-7) and folds what is not', () => {
    expect(toGsm7('Blåbærsyltetøy «ÆØÅ» – “ok” … òg café naïve ’ ñ ł')).toBe(
      'Blåbærsyltetøy "ÆØÅ" - "ok" ... òg café naive \' ñ ?',
    );
  });
});

/** A locale tree's string leaves by dotted key. */
function flat(tree: LocaleTree, prefix = ''): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(tree)) {
    const key = prefix ? `${prefix}.${k}` : k;
    if (typeof v === 'string') out[key] = v;
    else if (!Array.isArray(v)) Object.assign(out, flat(v, key));
  }
  return out;
}
