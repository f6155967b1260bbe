import { InvalidRecipientError } from '../../../src/sms/gateway';
import { SandboxSmsGateway } from '../../../src/sms/sandbox';
import { fakeClock } from '../../support/fake-clock';

const ALICE = '+4741234567';
const BOB = '+46701234567';

describe('SandboxSmsGateway', () => {
  it('keeps messages per recipient, oldest first, with the send time', async () => {
    const clock = fakeClock('2026-11-24T09:00:00Z');
    const sms = new SandboxSmsGateway({ now: clock.now });
    await sms.send(ALICE, 'first');
    clock.advance(1000);
    await sms.send(BOB, 'other');
    clock.advance(1000);
    await sms.send(ALICE, 'second');

    expect(sms.messagesTo(ALICE)).toEqual([
      { to: ALICE, text: 'first', sentAt: '2026-11-24T09:00:00.000Z' },
      { to: ALICE, text: 'second', sentAt: '2026-11-24T09:00:02.000Z' },
    ]);
    expect(sms.messagesTo(BOB).map((m) => m.text)).toEqual(['other']);
    expect(sms.messagesTo('+4799999999')).toEqual([]);
    expect(sms.messages().map((m) => m.text)).toEqual(['first', 'other', 'second']);
  });

  it('returns copies', async () => {
    const sms = new SandboxSmsGateway({ now: () => new Date('2026-11-24T09:00:00Z') });
    await sms.send(ALICE, 'hello');
    sms.messagesTo(ALICE)[0]!.text = 'changed';
    sms.messages()[0]!.text = 'changed';
    expect(sms.messagesTo(ALICE)[0]!.text).toBe('hello');
  });

  it('clears the outbox', async () => {
    const sms = new SandboxSmsGateway({ now: () => new Date() });
    await sms.send(ALICE, 'hello');
    sms.clear();
    expect(sms.messagesTo(ALICE)).toEqual([]);
    expect(sms.messages()).toEqual([]);
  });

  it('keeps only the last 1000 messages by default', async () => {
    const sms = new SandboxSmsGateway({ now: () => new Date('2026-11-24T09:00:00Z') });
    for (let i = 0; i < 1005; i += 1) {
      await sms.send(ALICE, `m${i}`);
    }
    const kept = sms.messagesTo(ALICE);
    expect(kept).toHaveLength(1000);
    expect(kept[0]!.text).toBe('m5');
    expect(kept[999]!.text).toBe('m1004');
  });

  it('honours a smaller capacity', async () => {
    const sms = new SandboxSmsGateway({ now: () => new Date(), capacity: 2 });
    await sms.send(ALICE, 'a');
    await sms.send(BOB, 'b');
    await sms.send(ALICE, 'c');
    expect(sms.messages().map((m) => m.text)).toEqual(['b', 'c']);
  });

  it.each([0, -1, 1.5])('rejects capacity %p', (capacity) => {
    expect(() => new SandboxSmsGateway({ now: () => new Date(), capacity })).toThrow(RangeError);
  });

  it.each(['41234567', '+47 412 34 567', '', '+0471234567', '+1234567890123456'])(
    'refuses a recipient that is not E.164: %j',
    async (to) => {
      const sms = new SandboxSmsGateway({ now: () => new Date() });
      const attempt = sms.send(to, 'hello');
      await expect(attempt).rejects.toBeInstanceOf(InvalidRecipientError);
      if (to.length > 0) {
        await expect(attempt).rejects.toMatchObject({ message: expect.not.stringContaining(to) });
      }
      expect(sms.messages()).toEqual([]);
    },
  );
});
