import type { Storage, StoreItems } from 'botbuilder';
import { ExpiringMemoryStorage } from '../../../src/storage/memoryStorage';
import { StoreUnavailableError } from '../../../src/storage/shared';
import { StateConflictError } from '../../../src/storage/errors';
import { turnErrorKind } from '../../../src/bot/errors';
import { SUPPORT } from '../../../src/rules';
import { localeText } from '../../http/support';
import { startTestBot } from '../../support/harness';

/**
 * The turn error handler tells a store outage and a lost compare-and-set apart from a bug: each gets its
 * own answer in the user's language, and neither clears state that may belong to another turn.
 */

/** A storage in front of another that can be switched off (as a Redis outage looks to the bot). */
class SwitchableStorage implements Storage {
  down = false;
  writes = 0;
  /** Runs once before the next write: lets a test play "another turn saved first". */
  beforeNextWrite?: () => Promise<void>;

  constructor(readonly inner: Storage) {}

  async read(keys: string[]): Promise<StoreItems> {
    if (this.down) throw new StoreUnavailableError();
    return this.inner.read(keys);
  }

  async write(changes: StoreItems): Promise<void> {
    if (this.down) throw new StoreUnavailableError();
    const before = this.beforeNextWrite;
    this.beforeNextWrite = undefined;
    if (before) await before();
    this.writes += 1;
    return this.inner.write(changes);
  }

  async delete(keys: string[]): Promise<void> {
    if (this.down) throw new StoreUnavailableError();
    return this.inner.delete(keys);
  }
}

function text(key: string, lang: 'nb' | 'nn' | 'en'): string {
  return localeText(lang, key).replace('{{phone}}', SUPPORT.phone);
}

describe('turnErrorKind', () => {
  it('sorts conflicts, outages and everything else', () => {
    expect(turnErrorKind(new StateConflictError())).toBe('conflict');
    expect(turnErrorKind(new StoreUnavailableError())).toBe('store-unavailable');
    expect(turnErrorKind(new Error('boom'))).toBe('other');
    expect(turnErrorKind('not even an error')).toBe('other');
  });
});

describe('turn error handler', () => {
  let memory: ExpiringMemoryStorage;
  afterEach(() => memory?.close());

  it.each([
    ['en-US', 'en'],
    ['nn-NO', 'nn'],
    ['nb-NO', 'nb'],
  ] as const)(
    'store down (%s): the support phone in the channel language, nothing written, recovers after',
    async (locale, lang) => {
      memory = new ExpiringMemoryStorage({
        secret: 'test-secret-0123456789',
        ttlMs: 60_000,
        sweepIntervalMs: 0,
      });
      const storage = new SwitchableStorage(memory);
      const bot = await startTestBot({ storage, locale });
      storage.down = true;
      await bot.adapter
        .send({ type: 'message', text: 'hei', locale })
        .assertReply(text('errors.storeUnavailable', lang))
        .startTest();
      expect(storage.writes).toBe(0);
      const failures = bot.logs.filter((l) => l.includes('turn failed on the store'));
      expect(failures).toHaveLength(1);
      expect(failures[0]).toContain('"kind":"store-unavailable"');
      expect(bot.logs.join('\n')).not.toContain('unhandled turn error');

      storage.down = false;
      await bot.adapter
        .send({ type: 'message', text: 'hei', locale })
        .assertReply((a) => expect(a.text).toContain(localeText(lang, 'welcome.greeting')))
        .startTest();
      expect(storage.writes).toBeGreaterThan(0);
    },
  );

  it('conflict: asks to send again and leaves the other turn state in place', async () => {
    memory = new ExpiringMemoryStorage({
      secret: 'test-secret-0123456789',
      ttlMs: 60_000,
      sweepIntervalMs: 0,
    });
    const storage = new SwitchableStorage(memory);
    const bot = await startTestBot({ storage, locale: 'en-US' });
    await bot.adapter
      .send({ type: 'message', text: 'hello', locale: 'en-US' })
      .assertReply((a) => expect(a.text).toContain(localeText('en', 'welcome.greeting')))
      .assertReply(localeText('en', 'menu.ask'))
      .startTest();

    // Another turn of the same conversation saves first (e.g. on another instance whose lock outlived
    // a very slow turn): it writes its own state unconditionally, so this turn's eTag is stale.
    let otherState: Record<string, unknown> | undefined;
    storage.beforeNextWrite = async () => {
      const key = stateKey(bot.adapter.conversation.conversation.id);
      const current = (await memory.read([key]))[key] as Record<string, unknown>;
      otherState = { ...current, marker: 'other-turn', eTag: '*' };
      await memory.write({ [key]: otherState });
    };
    const order = { type: 'message', text: localeText('en', 'menu.items.order'), locale: 'en-US' };
    await bot.adapter.receiveActivity(order);
    const replies: string[] = [];
    for (let next = bot.adapter.getNextReply(); next; next = bot.adapter.getNextReply()) {
      replies.push(next.text ?? '');
    }
    // The turn's own replies went out before its save failed; the last word says it was not kept.
    expect(replies.at(-1)).toBe(localeText('en', 'errors.conflict'));
    const conflicts = bot.logs.filter((l) => l.includes('turn failed on the store'));
    expect(conflicts).toHaveLength(1);
    expect(conflicts[0]).toContain('"kind":"conflict"');

    // The other turn's state is still there, untouched by the handler.
    const key = stateKey(bot.adapter.conversation.conversation.id);
    const stored = (await memory.read([key]))[key] as Record<string, unknown>;
    expect(stored.marker).toBe('other-turn');
    expect(stored.dialogState).toEqual(otherState?.dialogState);

    // And the conversation goes on: the same request, sent again, works.
    await bot.adapter.send(order).assertReply(localeText('en', 'order.intro')).startTest();
  });
});

/** The conversation state key as the bot writes it (botbuilder's ConversationState key format). */
function stateKey(conversationId: string): string {
  return `test/conversations/${conversationId}/`;
}
