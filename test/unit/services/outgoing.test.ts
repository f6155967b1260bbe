import { OutgoingCallError, RetryableError, callWithPolicy } from '../../../src/http/outgoing';
import { TimedSmsGateway } from '../../../src/sms/timed';
import { TimedMinIdService } from '../../../src/minid/timed';
import type { SmsGateway } from '../../../src/sms/gateway';
import { SandboxMinIdService } from '../../../src/minid/sandbox';
import { MemorySharedStore } from '../../../src/storage/memoryShared';

const never = () => new Promise<never>(() => undefined);

async function timed<T>(work: Promise<T>): Promise<{ ms: number; error?: unknown; value?: T }> {
  const started = Date.now();
  try {
    const value = await work;
    return { ms: Date.now() - started, value };
  } catch (error) {
    return { ms: Date.now() - started, error };
  }
}

describe('callWithPolicy', () => {
  it('gives up on an attempt that never settles once the budget is spent, and does not repeat it', async () => {
    let attempts = 0;
    const { ms, error } = await timed(
      callWithPolicy('channel', { timeoutMs: 200, retries: 2 }, () => {
        attempts += 1;
        return never();
      }),
    );
    expect(error).toBeInstanceOf(OutgoingCallError);
    expect((error as OutgoingCallError).failure).toBe('timeout');
    expect(ms).toBeGreaterThanOrEqual(190);
    expect(ms).toBeLessThan(400);
    expect(attempts).toBe(1);
  });

  it('retries what the attempt marks as retryable, at most `retries` times', async () => {
    let attempts = 0;
    const failing = callWithPolicy('sms', { timeoutMs: 2000, retries: 2, backoffMs: 10 }, async () => {
      attempts += 1;
      throw new RetryableError(new OutgoingCallError('sms', 'status', 503));
    });
    const { error } = await timed(failing);
    expect(attempts).toBe(3);
    expect(error).toMatchObject({ name: 'OutgoingCallError', failure: 'status', status: 503, attempts: 3 });

    attempts = 0;
    const recovering = await callWithPolicy(
      'sms',
      { timeoutMs: 2000, retries: 2, backoffMs: 10 },
      async () => {
        attempts += 1;
        if (attempts < 3) throw new RetryableError(new OutgoingCallError('sms', 'network'));
        return 'sent';
      },
    );
    expect(recovering).toBe('sent');
    expect(attempts).toBe(3);
  });

  it('does not retry other errors, and does not wait out a pause the budget cannot hold', async () => {
    let attempts = 0;
    const plain = await timed(
      callWithPolicy('minid', { timeoutMs: 2000, retries: 2 }, async () => {
        attempts += 1;
        throw new TypeError('bug');
      }),
    );
    expect(plain.error).toBeInstanceOf(TypeError);
    expect(attempts).toBe(1);

    const throttled = await timed(
      callWithPolicy('channel', { timeoutMs: 500, retries: 2 }, async () => {
        throw new RetryableError(new OutgoingCallError('channel', 'status', 429), 3_600_000);
      }),
    );
    expect(throttled.error).toMatchObject({ failure: 'status', status: 429, attempts: 1 });
    expect(throttled.ms).toBeLessThan(100);
  });

  it('names neither URL nor anything personal in its message', () => {
    const error = new OutgoingCallError('channel', 'status', 503, 3);
    expect(error.message).toBe('outgoing call to channel failed: status (HTTP 503) after 3 attempt(s)');
  });
});

describe('port wrappers', () => {
  it('a hanging SMS gateway fails the send within the budget, once, without the number or the text', async () => {
    const calls: Array<[string, string]> = [];
    const hanging: SmsGateway = {
      send: (to, text) => {
        calls.push([to, text]);
        return never();
      },
    };
    const sms = new TimedSmsGateway(hanging, { timeoutMs: 250, retries: 2 });
    const { ms, error } = await timed(sms.send('+4741234567', 'Koden din er 123456'));
    expect(error).toBeInstanceOf(OutgoingCallError);
    expect(error).toMatchObject({ target: 'sms', failure: 'timeout' });
    expect(String((error as Error).message)).not.toMatch(/4741234567|123456/);
    expect(ms).toBeLessThan(500);
    // A send that timed out may have gone out: it is not repeated.
    expect(calls).toHaveLength(1);
  });

  it('a gateway that answers in time is passed through, its own errors unchanged', async () => {
    const sent: string[] = [];
    const sms = new TimedSmsGateway(
      { send: async (to) => void sent.push(to) },
      { timeoutMs: 250, retries: 2 },
    );
    await sms.send('+4741234567', 'x');
    expect(sent).toEqual(['+4741234567']);
    const refusing = new TimedSmsGateway(
      {
        send: async () => {
          throw new RangeError('invalid recipient');
        },
      },
      { timeoutMs: 250, retries: 2 },
    );
    await expect(refusing.send('+47', 'x')).rejects.toBeInstanceOf(RangeError);
  });

  it('the MinID register behind the wrapper: answers pass through, a hanging lookup times out', async () => {
    const inner = SandboxMinIdService.fromBundledPopulation({
      store: new MemorySharedStore({ sweepIntervalMs: 0 }),
      secret: 'outgoing-unit-secret-0123456789',
    });
    const minid = new TimedMinIdService(inner, { timeoutMs: 250, retries: 2 });
    expect(await minid.isReady()).toBe(true);
    expect(await minid.findPerson('14838510036')).toBeDefined();
    jest.spyOn(inner, 'findPerson').mockImplementation(never);
    const { ms, error } = await timed(minid.findPerson('14838510036'));
    expect(error).toMatchObject({ name: 'OutgoingCallError', target: 'minid', failure: 'timeout' });
    expect(String((error as Error).message)).not.toContain('14838510036');
    expect(ms).toBeLessThan(500);
  });
});
