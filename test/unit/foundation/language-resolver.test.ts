import { TestAdapter, TurnContext, type Activity } from 'botbuilder';
import { LanguageResolver, channelLocale, languageSwitchedThisTurn } from '../../../src/bot/language';
import type { SessionState } from '../../../src/bot/session';
import { detectLanguage, parseLanguageSwitch } from '../../../src/understanding';

function context(activity: Partial<Activity>): TurnContext {
  const adapter = new TestAdapter();
  return new TurnContext(adapter, {
    type: 'message',
    channelId: 'msteams',
    conversation: { id: 'c', isGroup: false, conversationType: 'personal', name: '' },
    from: { id: 'u', name: '' },
    recipient: { id: 'b', name: '' },
    ...activity,
  });
}

const resolver = new LanguageResolver({
  defaultLang: 'nb',
  detect: detectLanguage,
  parseSwitch: parseLanguageSwitch,
});

describe('LanguageResolver', () => {
  test("Teams' clientInfo entity gives the locale when the activity has none", async () => {
    const ctx = context({ text: 'hei', entities: [{ type: 'clientInfo', locale: 'nn-NO' }] });
    expect(channelLocale(ctx)).toBe('nn-NO');
    const session: SessionState = {};
    expect(await resolver.resolve(ctx, session)).toBe('nn');
    expect(session.langSource).toBe('channel');
  });

  test.each([
    ['nb-NO', 'nb'],
    ['NO', 'nb'],
    ['nb', 'nb'],
    ['nn-no', 'nn'],
    ['en-GB', 'en'],
    ['en_US', 'en'],
    ['sv-SE', 'nb'],
  ])('channel locale %s -> %s', async (locale, lang) => {
    expect(await resolver.resolve(context({ text: 'ok', locale }), {})).toBe(lang);
  });

  test('an explicit switch wins and sticks; the words of a later message do not undo it', async () => {
    const session: SessionState = {};
    const first = context({ text: 'English please', locale: 'nb-NO' });
    expect(await resolver.resolve(first, session)).toBe('en');
    expect(languageSwitchedThisTurn(first)).toBe(true);
    expect(
      await resolver.resolve(context({ text: 'jeg har ikke fått brevet', locale: 'nb-NO' }), session),
    ).toBe('en');
  });

  test('one English word in a bokmål conversation does not flip it; clear nynorsk does', async () => {
    const session: SessionState = {};
    expect(await resolver.resolve(context({ text: 'hei', locale: 'nb-NO' }), session)).toBe('nb');
    expect(await resolver.resolve(context({ text: 'ok', locale: 'nb-NO' }), session)).toBe('nb');
    expect(
      await resolver.resolve(context({ text: 'jeg trenger hjelp med minid app', locale: 'nb-NO' }), session),
    ).toBe('nb');
    expect(
      await resolver.resolve(
        context({ text: 'eg har ikkje fått brevet, kva gjer eg no?', locale: 'nb-NO' }),
        session,
      ),
    ).toBe('nn');
    expect(session.langSource).toBe('words');
  });
});
