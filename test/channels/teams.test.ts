/**
 * Microsoft Teams (`channelId: msteams`): the language from the activity's locale or, when Teams leaves
 * it out, from its `clientInfo` entity; replies within Teams' rules (at most 3 suggested actions, never
 * beside attachments, a hero card up to 6 buttons, an Adaptive Card 1.5 beyond). The whole order flow
 * replayed as Teams activities is in channel-replay.test.ts.
 */
import { ActivityTypes, CardFactory, MessageFactory, type Activity, type CardAction } from 'botbuilder';
import { shapeTeamsActivity } from '../../src/bot/render';
import { startTestBot } from '../support/harness';
import { localeText } from '../http/support';
import { teamsViolations } from './shaping-rules';

const actions = (n: number): CardAction[] =>
  Array.from({ length: n }, (_, i) => ({ type: 'imBack', title: `Valg ${i + 1}`, value: `Valg ${i + 1}` }));

describe('shapeTeamsActivity', () => {
  it('leaves up to three suggested actions alone', () => {
    const a = MessageFactory.suggestedActions(actions(3), 'Velg');
    expect(shapeTeamsActivity(a)).toBe(a);
  });

  it('turns four to six suggested actions into a hero card with the text and every button', () => {
    for (const n of [4, 6]) {
      const shaped = shapeTeamsActivity(MessageFactory.suggestedActions(actions(n), 'Hva vil du?'));
      expect(shaped.suggestedActions).toBeUndefined();
      expect(shaped.attachments).toHaveLength(1);
      const [card] = shaped.attachments ?? [];
      expect(card.contentType).toBe(CardFactory.contentTypes.heroCard);
      expect(card.content).toMatchObject({ text: 'Hva vil du?' });
      expect((card.content as { buttons: CardAction[] }).buttons.map((b) => b.title)).toEqual(
        actions(n).map((b) => b.title),
      );
      expect(teamsViolations(shaped)).toEqual([]);
    }
  });

  it('puts more than six choices on an Adaptive Card 1.5 whose buttons send the choice back', () => {
    const shaped = shapeTeamsActivity(MessageFactory.suggestedActions(actions(8), 'Velg tema'));
    const [card] = shaped.attachments ?? [];
    expect(card.contentType).toBe(CardFactory.contentTypes.adaptiveCard);
    const content = card.content as {
      version: string;
      body: { text: string }[];
      actions: { type: string; title: string; data: { msteams: { type: string; value: string } } }[];
    };
    expect(content.version).toBe('1.5');
    expect(content.body[0].text).toBe('Velg tema');
    expect(content.actions).toHaveLength(8);
    expect(content.actions[7]).toEqual({
      type: 'Action.Submit',
      title: 'Valg 8',
      data: { msteams: { type: 'imBack', value: 'Valg 8' } },
    });
    expect(teamsViolations(shaped)).toEqual([]);
  });

  it('never sends suggested actions beside an attachment: they move onto a card of their own', () => {
    const a: Partial<Activity> = {
      ...MessageFactory.attachment(CardFactory.heroCard('Kvittering', 'Brevet er bestilt')),
      suggestedActions: { actions: actions(2), to: [] },
    };
    const shaped = shapeTeamsActivity(a);
    expect(shaped.suggestedActions).toBeUndefined();
    expect(shaped.attachments).toHaveLength(2);
    expect((shaped.attachments?.[1].content as { buttons: CardAction[] }).buttons).toHaveLength(2);
    expect(teamsViolations(shaped)).toEqual([]);
  });

  it('moves a hero card of more than six buttons onto an Adaptive Card', () => {
    const a = MessageFactory.attachment(CardFactory.heroCard('', 'Velg', undefined, actions(7)));
    const shaped = shapeTeamsActivity(a);
    expect(shaped.attachments?.[0].contentType).toBe(CardFactory.contentTypes.adaptiveCard);
    expect(teamsViolations(shaped)).toEqual([]);
  });

  it('leaves typing and other non-message activities alone', () => {
    const typing = { type: ActivityTypes.Typing };
    expect(shapeTeamsActivity(typing)).toBe(typing);
  });
});

describe('a Teams conversation on the real bot', () => {
  it.each([
    ['en', 'en-US'],
    ['nn', 'nn-NO'],
  ] as const)('takes %s from the clientInfo entity when the activity has no locale', async (lang, locale) => {
    const bot = await startTestBot({ channelId: 'msteams', locale: '' });
    await bot.adapter.processActivity({
      type: ActivityTypes.Message,
      text: 'hei',
      locale: undefined,
      entities: [{ type: 'clientInfo', locale, country: 'NO', platform: 'Web', timezone: 'Europe/Oslo' }],
    });
    const sent = bot.adapter.activeQueue.splice(0);
    const texts = sent.map((a) => [a.text, JSON.stringify(a.attachments ?? [])].join(' ')).join('\n');
    expect(texts).toContain(localeText(lang, 'welcome.greeting'));
    expect(sent.flatMap(teamsViolations)).toEqual([]);
    // The four-topic menu came as a hero card, not as four suggested actions.
    expect(sent.some((a) => a.attachments?.[0]?.contentType === CardFactory.contentTypes.heroCard)).toBe(
      true,
    );
    await bot.built.close();
  });

  it("prefers the activity's own locale over clientInfo", async () => {
    const bot = await startTestBot({ channelId: 'msteams', locale: 'en-GB' });
    await bot.adapter.processActivity({
      type: ActivityTypes.Message,
      text: 'hi',
      locale: 'en-GB',
      entities: [{ type: 'clientInfo', locale: 'nb-NO' }],
    });
    const sent = bot.adapter.activeQueue.splice(0);
    expect(sent.map((a) => a.text ?? '').join('\n')).toContain(localeText('en', 'welcome.greeting'));
    await bot.built.close();
  });
});
