import { TestAdapter, TurnContext } from 'botbuilder';
import type { i18n } from 'i18next';
import { createI18n, LANGS, resources, type Lang } from '../../../src/i18n';
import { constantParams, tr } from '../../../src/bot/text';
import { ruleParams } from '../../../dialogs/answers';
import { setTurnLanguage } from '../../../src/bot/turn';

/**
 * tr() keeps the rendering of a key without parameters (per language and channel kind) instead of asking
 * i18next again each turn. It must give exactly what i18next gives, for every key, language and channel.
 */

/** Every key of a locale file, nested keys joined with dots (lists and objects included). */
function keys(value: unknown, prefix = ''): string[] {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return [prefix];
  return Object.entries(value).flatMap(([k, v]) => [
    ...(prefix ? [prefix] : []),
    ...keys(v, prefix ? `${prefix}.${k}` : k),
  ]);
}

const ALL_KEYS = [...new Set(LANGS.flatMap((lang) => keys(resources[lang])))];

let i18next: i18n;
beforeAll(async () => {
  i18next = await createI18n();
});

function context(lang: Lang, channelId: string): TurnContext {
  const ctx = new TurnContext(new TestAdapter(), { type: 'message', channelId, text: 'hei' });
  setTurnLanguage(ctx, lang, i18next.getFixedT(lang));
  return ctx;
}

describe('tr() of keys without parameters', () => {
  test.each(LANGS.flatMap((lang) => ['webchat', 'sms'].map((channel) => [lang, channel] as const)))(
    'every key in %s on %s renders as i18next renders it, first and later times',
    (lang, channel) => {
      expect(ALL_KEYS.length).toBeGreaterThan(100);
      const sms = channel === 'sms';
      const direct = i18next.getFixedT(lang);
      const wrong: string[] = [];
      for (const key of [...ALL_KEYS, 'no.such.key']) {
        const expected = direct(key, sms ? { context: 'sms' } : {});
        // A fresh context each time: a new turn, a new fixed t, the same memo.
        if (tr(context(lang, channel), key) !== expected || tr(context(lang, channel), key) !== expected) {
          wrong.push(key);
        }
      }
      expect(wrong).toEqual([]);
    },
  );

  test.each(LANGS.flatMap((lang) => ['webchat', 'sms'].map((channel) => [lang, channel] as const)))(
    'every key in %s on %s renders with constant parameters as i18next renders it',
    (lang, channel) => {
      const params = constantParams(ruleParams());
      const sms = channel === 'sms';
      const direct = i18next.getFixedT(lang);
      const wrong = ALL_KEYS.filter((key) => {
        const expected = direct(key, sms ? { ...ruleParams(), context: 'sms' } : ruleParams());
        return (
          tr(context(lang, channel), key, params) !== expected ||
          tr(context(lang, channel), key, params) !== expected
        );
      });
      expect(wrong).toEqual([]);
    },
  );

  test('constant parameter sets are frozen and kept apart from each other and from no parameters', () => {
    const support = constantParams({ ...ruleParams(), phone: '111 11 111' });
    const other = constantParams({ ...ruleParams(), phone: '222 22 222' });
    expect(Object.isFrozen(support)).toBe(true);
    expect(tr(context('nb', 'webchat'), 'human.contact', support)).toContain('111 11 111');
    expect(tr(context('nb', 'webchat'), 'human.contact', other)).toContain('222 22 222');
    expect(tr(context('nb', 'webchat'), 'human.contact')).not.toContain('111 11 111');
  });

  test('the memo keeps languages and channel kinds apart', () => {
    const texts = LANGS.map((lang) => tr(context(lang, 'webchat'), 'menu.ask'));
    expect(new Set(texts).size).toBe(LANGS.length);
    expect(texts[0]).toBe(resources.nb.menu.ask);
    const smsKey = keys(resources.nb).find((k) => k.endsWith('_sms'));
    expect(smsKey).toBeDefined();
    const base = (smsKey ?? '').replace(/_sms$/, '');
    expect(tr(context('nb', 'webchat'), base)).not.toBe(tr(context('nb', 'sms'), base));
    expect(tr(context('nb', 'sms'), base)).toBe(i18next.getFixedT('nb')(`${base}_sms`));
  });

  test('texts with parameters are rendered each time with their values', () => {
    const a = tr(context('nb', 'webchat'), 'nationalId.received', { lastTwo: '36' });
    const b = tr(context('nb', 'webchat'), 'nationalId.received', { lastTwo: '90' });
    expect(a).toContain('36');
    expect(b).toContain('90');
  });
});
