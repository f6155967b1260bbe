import { TurnSerializer, type TurnLockPort } from '../../../src/bot/turnSerializer';

/** A lock that is always free: the serializer's own queue is what these tests look at. */
const freeLock: TurnLockPort = { acquire: async () => async () => undefined };

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('TurnSerializer', () => {
  it('runs the turns of one conversation one at a time, in arrival order', async () => {
    const serializer = new TurnSerializer({ lock: freeLock, lockTtlMs: 1000, waitMs: 5000 });
    const events: string[] = [];
    let running = 0;
    let maxRunning = 0;
    const turn = (name: string, ms: number) =>
      serializer.run(
        'conv',
        async () => {
          running += 1;
          maxRunning = Math.max(maxRunning, running);
          events.push(`start ${name}`);
          await sleep(ms);
          events.push(`end ${name}`);
          running -= 1;
          return name;
        },
        async () => 'busy',
      );
    const results = await Promise.all([turn('a', 30), turn('b', 5), turn('c', 1)]);
    expect(results).toEqual(['a', 'b', 'c']);
    expect(maxRunning).toBe(1);
    expect(events).toEqual(['start a', 'end a', 'start b', 'end b', 'start c', 'end c']);
    expect(serializer.active).toBe(0);
  });

  it('lets other conversations run at the same time', async () => {
    const serializer = new TurnSerializer({ lock: freeLock, lockTtlMs: 1000, waitMs: 5000 });
    let running = 0;
    let maxRunning = 0;
    const turn = (key: string) =>
      serializer.run(
        key,
        async () => {
          running += 1;
          maxRunning = Math.max(maxRunning, running);
          await sleep(20);
          running -= 1;
        },
        async () => undefined,
      );
    await Promise.all([turn('a'), turn('b'), turn('c')]);
    expect(maxRunning).toBe(3);
  });

  it('answers "busy" when the turn before takes longer than the wait, and the order still holds', async () => {
    const serializer = new TurnSerializer({ lock: freeLock, lockTtlMs: 1000, waitMs: 40 });
    const events: string[] = [];
    const slow = serializer.run(
      'conv',
      async () => {
        await sleep(120);
        events.push('slow done');
        return 'slow';
      },
      async () => 'busy',
    );
    const impatient = serializer.run(
      'conv',
      async () => 'ran',
      async () => {
        events.push('told to wait');
        return 'busy';
      },
    );
    expect(await impatient).toBe('busy');
    // A third turn that arrives later still waits for the slow one, not only for the impatient one.
    const third = serializer.run(
      'conv',
      async () => {
        events.push('third ran');
        return 'third';
      },
      async () => 'busy',
    );
    expect(await third).toBe('busy');
    expect(await slow).toBe('slow');
    expect(events).toEqual(['told to wait', 'slow done']);
    const afterwards = await serializer.run(
      'conv',
      async () => 'ran',
      async () => 'busy',
    );
    expect(afterwards).toBe('ran');
  });

  it('answers "busy" when the shared lock is held elsewhere', async () => {
    const held: TurnLockPort = { acquire: async () => undefined };
    const serializer = new TurnSerializer({ lock: held, lockTtlMs: 1000, waitMs: 50 });
    let ran = false;
    const result = await serializer.run(
      'conv',
      async () => {
        ran = true;
        return 'ran';
      },
      async () => 'busy',
    );
    expect(result).toBe('busy');
    expect(ran).toBe(false);
  });

  it('a failing turn neither blocks the next one nor keeps the lock', async () => {
    const released: string[] = [];
    const lock: TurnLockPort = { acquire: async (key) => async () => void released.push(key) };
    const serializer = new TurnSerializer({ lock, lockTtlMs: 1000, waitMs: 1000 });
    const failing = serializer.run(
      'conv',
      async () => {
        throw new Error('boom');
      },
      async () => 'busy',
    );
    const next = serializer.run(
      'conv',
      async () => 'next',
      async () => 'busy',
    );
    await expect(failing).rejects.toThrow('boom');
    expect(await next).toBe('next');
    expect(released).toEqual(['conv', 'conv']);
  });

  it('a lock that fails to release is reported, and the turn still completes', async () => {
    const reported: unknown[] = [];
    const lock: TurnLockPort = {
      acquire: async () => async () => {
        throw new Error('redis gone');
      },
    };
    const serializer = new TurnSerializer({
      lock,
      lockTtlMs: 1000,
      waitMs: 1000,
      onReleaseError: (err) => reported.push(err),
    });
    expect(
      await serializer.run(
        'conv',
        async () => 'done',
        async () => 'busy',
      ),
    ).toBe('done');
    expect(reported).toHaveLength(1);
  });
});
