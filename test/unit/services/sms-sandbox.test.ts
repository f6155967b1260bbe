import { InvalidRecipientError } from '../../../src/sms/gateway';
import {
  DEFAULT_OUTBOX_CAPACITY,
  DEFAULT_OUTBOX_TTL_MS,
  SandboxSmsGateway,
  type SandboxSmsDeps,
} from '../../../src/sms/sandbox';
import { CODE_POLICY } from '../../../src/rules';
import { CorruptStoredValueError, MissingKeySecretError } from '../../../src/storage/keys';
import { MemorySharedStore } from '../../../src/storage/memoryShared';
import { fakeClock } from '../../support/fake-clock';

const ALICE = '+4741234567';
const BOB = '+46701234567';
const SECRET = 'sms-test-secret-0123456789';

/** A gateway over `store` (a fresh one unless given), as the composition root builds it. */
function gateway(overrides: Partial<SandboxSmsDeps> = {}): {
  sms: SandboxSmsGateway;
  store: MemorySharedStore;
} {
  const store =
    overrides.store instanceof MemorySharedStore
      ? overrides.store
      : new MemorySharedStore({ sweepIntervalMs: 0 });
  const sms = new SandboxSmsGateway({
    now: () => new Date('2026-11-24T09:00:00Z'),
    secret: SECRET,
    ...overrides,
    store,
  });
  return { sms, store };
}

describe('SandboxSmsGateway', () => {
  it('keeps messages per recipient, oldest first, with the send time', async () => {
    const clock = fakeClock('2026-11-24T09:00:00Z');
    const { sms } = gateway({ now: clock.now });
    await sms.send(ALICE, 'first');
    clock.advance(1000);
    await sms.send(BOB, 'other');
    clock.advance(1000);
    await sms.send(ALICE, 'second');

    await expect(sms.messagesTo(ALICE)).resolves.toEqual([
      { to: ALICE, text: 'first', sentAt: '2026-11-24T09:00:00.000Z' },
      { to: ALICE, text: 'second', sentAt: '2026-11-24T09:00:02.000Z' },
    ]);
    expect((await sms.messagesTo(BOB)).map((m) => m.text)).toEqual(['other']);
    await expect(sms.messagesTo('+4799999999')).resolves.toEqual([]);
  });

  it('returns copies', async () => {
    const { sms } = gateway();
    await sms.send(ALICE, 'hello');
    (await sms.messagesTo(ALICE))[0]!.text = 'changed';
    expect((await sms.messagesTo(ALICE))[0]!.text).toBe('hello');
  });

  it(`keeps only the last ${DEFAULT_OUTBOX_CAPACITY} messages per recipient by default`, async () => {
    const { sms } = gateway();
    // Several verifications' worth: one sends at most 1 + maxResends codes.
    expect(DEFAULT_OUTBOX_CAPACITY).toBeGreaterThanOrEqual(3 * (1 + CODE_POLICY.maxResends));
    for (let i = 0; i < DEFAULT_OUTBOX_CAPACITY + 5; i += 1) {
      await sms.send(ALICE, `m${i}`);
    }
    await sms.send(BOB, 'bob');
    const kept = await sms.messagesTo(ALICE);
    expect(kept).toHaveLength(DEFAULT_OUTBOX_CAPACITY);
    expect(kept[0]!.text).toBe('m5');
    expect(kept.at(-1)!.text).toBe(`m${DEFAULT_OUTBOX_CAPACITY + 4}`);
    // The cap is per recipient: Alice's traffic does not push Bob's message out.
    expect((await sms.messagesTo(BOB)).map((m) => m.text)).toEqual(['bob']);
  });

  it('honours a smaller capacity', async () => {
    const { sms } = gateway({ capacity: 2 });
    await sms.send(ALICE, 'a');
    await sms.send(BOB, 'b');
    await sms.send(ALICE, 'c');
    await sms.send(ALICE, 'd');
    expect((await sms.messagesTo(ALICE)).map((m) => m.text)).toEqual(['c', 'd']);
    expect((await sms.messagesTo(BOB)).map((m) => m.text)).toEqual(['b']);
  });

  it.each([0, -1, 1.5])('rejects capacity %p', (capacity) => {
    expect(() => gateway({ capacity })).toThrow(RangeError);
  });

  it.each([0, -1, 1.5])('rejects ttlMs %p', (ttlMs) => {
    expect(() => gateway({ ttlMs })).toThrow(RangeError);
  });

  it('refuses an empty secret when built', () => {
    expect(() => gateway({ secret: '' })).toThrow(MissingKeySecretError);
  });

  it.each(['41234567', '+47 412 34 567', '', '+0471234567', '+1234567890123456'])(
    'refuses a recipient that is not E.164: %j',
    async (to) => {
      const { sms, store } = gateway();
      const attempt = sms.send(to, 'hello');
      await expect(attempt).rejects.toBeInstanceOf(InvalidRecipientError);
      if (to.length > 0) {
        await expect(attempt).rejects.toMatchObject({ message: expect.not.stringContaining(to) });
      }
      expect(store.keys()).toEqual([]);
      await expect(sms.messagesTo(to)).resolves.toEqual([]);
    },
  );

  describe('over the shared store', () => {
    it("two instances on one store read each other's messages", async () => {
      const store = new MemorySharedStore({ sweepIntervalMs: 0 });
      const a = gateway({ store }).sms;
      const b = gateway({ store }).sms;
      await a.send(ALICE, 'Your code: 123456');
      await b.send(ALICE, 'Your code: 654321');
      const expected = ['Your code: 123456', 'Your code: 654321'];
      expect((await b.messagesTo(ALICE)).map((m) => m.text)).toEqual(expected);
      expect((await a.messagesTo(ALICE)).map((m) => m.text)).toEqual(expected);
    });

    it('needs the same secret on every instance to share an outbox', async () => {
      const store = new MemorySharedStore({ sweepIntervalMs: 0 });
      await gateway({ store }).sms.send(ALICE, 'hello');
      await expect(
        gateway({ store, secret: 'another-secret-0123456789' }).sms.messagesTo(ALICE),
      ).resolves.toEqual([]);
    });

    it('never puts the phone number in a key, nor stores the number at all', async () => {
      const store = new MemorySharedStore({ sweepIntervalMs: 0 });
      const { sms } = gateway({ store });
      await sms.send(ALICE, 'hello');
      await sms.send(BOB, 'hello');
      const keys = store.keys();
      expect(keys).toHaveLength(2);
      for (const key of keys) {
        expect(key).toMatch(/^sandbox:sms:outbox:[0-9a-f]{64}$/);
        for (const number of [ALICE, BOB]) {
          const digits = number.slice(1);
          expect(key).not.toContain(digits);
          expect(key).not.toContain(digits.slice(-8)); // the national form
        }
        // The stored message carries the text and time only; the recipient is known from the key.
        for (const value of await store.list(key)) {
          expect(value).not.toContain(ALICE.slice(-8));
          expect(value).not.toContain(BOB.slice(-8));
        }
      }
    });

    it('lets the outbox expire after the TTL, counted from the latest message', async () => {
      let now = Date.parse('2026-11-24T09:00:00Z');
      const store = new MemorySharedStore({ now: () => now, sweepIntervalMs: 0 });
      const { sms } = gateway({ store });
      // Longer than a code lives, so a tester can still read it, but not much: it holds one-time codes.
      expect(DEFAULT_OUTBOX_TTL_MS).toBeGreaterThan(CODE_POLICY.validMinutes * 60_000);
      expect(DEFAULT_OUTBOX_TTL_MS).toBeLessThanOrEqual(60 * 60_000);

      await sms.send(ALICE, 'first');
      now += DEFAULT_OUTBOX_TTL_MS - 1000;
      await sms.send(ALICE, 'resend');
      now += DEFAULT_OUTBOX_TTL_MS - 1;
      expect((await sms.messagesTo(ALICE)).map((m) => m.text)).toEqual(['first', 'resend']);
      now += 1;
      await expect(sms.messagesTo(ALICE)).resolves.toEqual([]);
      expect(store.keys()).toEqual([]);
    });

    it('honours a given TTL', async () => {
      let now = 0;
      const store = new MemorySharedStore({ now: () => now, sweepIntervalMs: 0 });
      const { sms } = gateway({ store, ttlMs: 5000 });
      await sms.send(ALICE, 'hello');
      now = 4999;
      await expect(sms.messagesTo(ALICE)).resolves.toHaveLength(1);
      now = 5000;
      await expect(sms.messagesTo(ALICE)).resolves.toEqual([]);
    });

    it('throws CorruptStoredValueError, without the value, for an unreadable stored message', async () => {
      const store = new MemorySharedStore({ sweepIntervalMs: 0 });
      const { sms } = gateway({ store });
      await sms.send(ALICE, 'Your code: 123456');
      const [key] = store.keys();
      await store.append(key!, '{"text": 123456}', 20, 60_000);
      const attempt = sms.messagesTo(ALICE);
      await expect(attempt).rejects.toBeInstanceOf(CorruptStoredValueError);
      await expect(attempt).rejects.toMatchObject({ message: expect.not.stringMatching(/\d{3,}/) });
    });
  });
});
