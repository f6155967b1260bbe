import type { Person } from '../../../src/rules/types';
import {
  InvalidOrderTimeError,
  ORDER_TTL_MS,
  PopulationDataError,
  SandboxMinIdService,
  type SandboxMinIdDeps,
} from '../../../src/minid/sandbox';
import { PersonNotFoundError } from '../../../src/minid/service';
import population from '../../../src/minid/population.json';
import { CorruptStoredValueError, MissingKeySecretError } from '../../../src/storage/keys';
import { MemorySharedStore } from '../../../src/storage/memoryShared';

const ADULT = '14838510036';
const ACTIVE_ORDER = '05859510002';
const UNKNOWN = '01010112345';

const SECRET = 'minid-test-secret-0123456789';

/** A fresh store and the secret, as the composition root passes them. */
function deps(store = new MemorySharedStore({ sweepIntervalMs: 0 })): SandboxMinIdDeps {
  return { store, secret: SECRET };
}

function person(overrides: Partial<Person> = {}): Person {
  return {
    nationalId: ADULT,
    kind: 'birth-number',
    birthDate: '1985-03-14',
    hasMinId: false,
    residentialAddress: { street: 'Storgata 1', postcode: '0155', city: 'Oslo' },
    ...overrides,
  };
}

describe('SandboxMinIdService', () => {
  describe('fromBundledPopulation', () => {
    it('loads every person in the bundled population', async () => {
      const service = SandboxMinIdService.fromBundledPopulation(deps());
      for (const p of population.people) {
        await expect(service.findPerson(p.nationalId)).resolves.toMatchObject({ key: p.key, kind: p.kind });
      }
    });

    it('returns the bundled orders', async () => {
      const service = SandboxMinIdService.fromBundledPopulation(deps());
      await expect(service.listOrders(ACTIVE_ORDER)).resolves.toEqual([
        { orderedAt: '2026-11-04T09:12:00+01:00' },
      ]);
    });

    it('is ready', async () => {
      await expect(SandboxMinIdService.fromBundledPopulation(deps()).isReady()).resolves.toBe(true);
    });
  });

  describe('population validation', () => {
    it.each([
      ['no people array', { description: 'x' }],
      ['a short national ID', { people: [{ ...person(), nationalId: '1483851003' }] }],
      ['an unknown kind', { people: [{ ...person(), kind: 'h-number' }] }],
      [
        'an order without offset',
        { people: [{ ...person(), orders: [{ orderedAt: '2026-11-04T09:12:00' }] }] },
      ],
      ['a duplicate person', { people: [person(), person()] }],
      ['not an object', 'people'],
    ])('rejects %s with PopulationDataError', (_label, data) => {
      expect(() => SandboxMinIdService.fromPopulationData(data, deps())).toThrow(PopulationDataError);
    });

    it('names where the data is wrong but never the number', () => {
      let error: unknown;
      try {
        SandboxMinIdService.fromPopulationData(
          {
            people: [person(), { ...person(), nationalId: '1483851003x' }],
          },
          deps(),
        );
      } catch (e) {
        error = e;
      }
      expect(error).toBeInstanceOf(PopulationDataError);
      const { message, problems } = error as PopulationDataError;
      expect(problems).toEqual(['people.1.nationalId: invalid_format']);
      expect(message).toContain('people.1.nationalId');
      expect(message).not.toMatch(/\d{6,}/);
    });

    it('keeps duplicate numbers out of the message', () => {
      expect(() => new SandboxMinIdService([person(), person()], deps())).toThrow(
        expect.objectContaining({ name: 'PopulationDataError', message: expect.not.stringContaining(ADULT) }),
      );
    });
  });

  describe('findPerson', () => {
    it('returns undefined for an unknown number', async () => {
      await expect(new SandboxMinIdService([person()], deps()).findPerson(UNKNOWN)).resolves.toBeUndefined();
    });

    it('returns copies that cannot change the register', async () => {
      const service = new SandboxMinIdService(
        [person({ orders: [{ orderedAt: '2026-09-01T14:00:00+02:00' }] })],
        deps(),
      );
      const first = await service.findPerson(ADULT);
      first!.hasMinId = true;
      first!.residentialAddress!.city = 'Bergen';
      first!.orders!.push({ orderedAt: '2026-11-01T00:00:00Z' });
      const orders = await service.listOrders(ADULT);
      orders.push({ orderedAt: '2026-11-02T00:00:00Z' });

      const again = await service.findPerson(ADULT);
      expect(again).toMatchObject({ hasMinId: false, residentialAddress: { city: 'Oslo' } });
      expect(again!.orders).toHaveLength(1);
    });

    it('is not affected by later changes to the constructor input', async () => {
      const input = [person()];
      const service = new SandboxMinIdService(input, deps());
      input[0]!.hasMinId = true;
      await expect(service.findPerson(ADULT)).resolves.toMatchObject({ hasMinId: false });
    });
  });

  describe('recordOrder', () => {
    it('remembers the order so the person now has an active one', async () => {
      const service = SandboxMinIdService.fromBundledPopulation(deps());
      await expect(service.findPerson(ADULT)).resolves.not.toHaveProperty('orders');

      const order = await service.recordOrder(ADULT, '2026-11-24T10:00:00+01:00');
      expect(order).toEqual({ orderedAt: '2026-11-24T10:00:00+01:00' });
      await expect(service.findPerson(ADULT)).resolves.toMatchObject({
        orders: [{ orderedAt: '2026-11-24T10:00:00+01:00' }],
      });
    });

    it('keeps orders of services on different stores apart', async () => {
      const one = SandboxMinIdService.fromBundledPopulation(deps());
      const two = SandboxMinIdService.fromBundledPopulation(deps());
      await one.recordOrder(ADULT, '2026-11-24T10:00:00+01:00');
      await expect(two.listOrders(ADULT)).resolves.toEqual([]);
    });

    it('lists orders oldest first by instant, whatever their offsets', async () => {
      const service = new SandboxMinIdService([person()], deps());
      await service.recordOrder(ADULT, '2026-11-24T10:00:00+01:00');
      await service.recordOrder(ADULT, '2026-11-24T09:30:00Z'); // 10:30 in Oslo: later
      await service.recordOrder(ADULT, '2026-11-24T09:45:00+02:00'); // 07:45Z: earliest
      const expected = ['2026-11-24T09:45:00+02:00', '2026-11-24T10:00:00+01:00', '2026-11-24T09:30:00Z'];
      await expect(service.listOrders(ADULT)).resolves.toEqual(expected.map((orderedAt) => ({ orderedAt })));
      const found = await service.findPerson(ADULT);
      expect(found!.orders!.map((o) => o.orderedAt)).toEqual(expected);
    });

    it('returns a copy of the recorded order', async () => {
      const service = new SandboxMinIdService([person()], deps());
      const order = await service.recordOrder(ADULT, '2026-11-24T10:00:00+01:00');
      order.orderedAt = '2000-01-01T00:00:00Z';
      await expect(service.listOrders(ADULT)).resolves.toEqual([{ orderedAt: '2026-11-24T10:00:00+01:00' }]);
    });

    it('throws PersonNotFoundError without the number for an unknown person', async () => {
      const service = new SandboxMinIdService([person()], deps());
      const attempt = service.recordOrder(UNKNOWN, '2026-11-24T10:00:00+01:00');
      await expect(attempt).rejects.toBeInstanceOf(PersonNotFoundError);
      await expect(attempt).rejects.toMatchObject({
        name: 'PersonNotFoundError',
        message: expect.not.stringMatching(/\d{3,}/),
      });
    });

    it.each(['2026-11-24T10:00:00', '2026-11-24', 'yesterday', ''])(
      'rejects the order time %j',
      async (at) => {
        const service = new SandboxMinIdService([person()], deps());
        await expect(service.recordOrder(ADULT, at)).rejects.toBeInstanceOf(InvalidOrderTimeError);
        await expect(service.listOrders(ADULT)).resolves.toEqual([]);
      },
    );
  });

  it('lists no orders for an unknown number', async () => {
    await expect(new SandboxMinIdService([person()], deps()).listOrders(UNKNOWN)).resolves.toEqual([]);
  });

  describe('over the shared store', () => {
    it("two instances on one store see each other's orders, merged with the bundled ones", async () => {
      const store = new MemorySharedStore({ sweepIntervalMs: 0 });
      const a = SandboxMinIdService.fromBundledPopulation(deps(store));
      const b = SandboxMinIdService.fromBundledPopulation(deps(store));
      await a.recordOrder(ADULT, '2026-11-24T10:00:00+01:00');
      await expect(b.listOrders(ADULT)).resolves.toEqual([{ orderedAt: '2026-11-24T10:00:00+01:00' }]);
      await expect(b.findPerson(ADULT)).resolves.toMatchObject({
        orders: [{ orderedAt: '2026-11-24T10:00:00+01:00' }],
      });

      // A person with a bundled order: the recorded one joins it, oldest first, on both instances.
      await b.recordOrder(ACTIVE_ORDER, '2026-11-24T11:00:00+01:00');
      const expected = [
        { orderedAt: '2026-11-04T09:12:00+01:00' },
        { orderedAt: '2026-11-24T11:00:00+01:00' },
      ];
      await expect(a.listOrders(ACTIVE_ORDER)).resolves.toEqual(expected);
      expect((await a.findPerson(ACTIVE_ORDER))?.orders).toEqual(expected);
    });

    it('never puts the national ID number in a key', async () => {
      const store = new MemorySharedStore({ sweepIntervalMs: 0 });
      const service = SandboxMinIdService.fromBundledPopulation(deps(store));
      await service.recordOrder(ADULT, '2026-11-24T10:00:00+01:00');
      await service.recordOrder(ACTIVE_ORDER, '2026-11-24T10:00:00+01:00');
      const keys = store.keys();
      expect(keys).toHaveLength(2);
      for (const key of keys) {
        expect(key).toMatch(/^sandbox:minid:orders:[0-9a-f]{64}$/);
        expect(key).not.toContain(ADULT);
        expect(key).not.toContain(ACTIVE_ORDER);
        // Not even the parts of the number people type apart (date of birth, personal number).
        expect(key).not.toContain(ADULT.slice(0, 6));
      }
    });

    it('derives different keys with a different secret', async () => {
      const store = new MemorySharedStore({ sweepIntervalMs: 0 });
      await SandboxMinIdService.fromBundledPopulation(deps(store)).recordOrder(
        ADULT,
        '2026-11-24T10:00:00+01:00',
      );
      const other = SandboxMinIdService.fromBundledPopulation({ store, secret: 'another-secret-0123456789' });
      await expect(other.listOrders(ADULT)).resolves.toEqual([]);
    });

    it('keeps recorded orders for the TTL (longer than the 60-day rule window), then lets them go', async () => {
      let now = Date.parse('2026-11-24T12:00:00Z');
      const store = new MemorySharedStore({ now: () => now, sweepIntervalMs: 0 });
      const service = SandboxMinIdService.fromBundledPopulation(deps(store));
      await service.recordOrder(ADULT, '2026-11-24T10:00:00+01:00');
      expect(ORDER_TTL_MS).toBeGreaterThan(60 * 24 * 60 * 60 * 1000);
      now += ORDER_TTL_MS - 1;
      await expect(service.listOrders(ADULT)).resolves.toHaveLength(1);
      now += 1;
      await expect(service.listOrders(ADULT)).resolves.toEqual([]);
    });

    it('refuses an empty secret when built', () => {
      expect(() =>
        SandboxMinIdService.fromBundledPopulation({ store: new MemorySharedStore(), secret: '' }),
      ).toThrow(MissingKeySecretError);
    });

    it('throws CorruptStoredValueError, without the value, for an unreadable stored order', async () => {
      const store = new MemorySharedStore({ sweepIntervalMs: 0 });
      const service = SandboxMinIdService.fromBundledPopulation(deps(store));
      await service.recordOrder(ADULT, '2026-11-24T10:00:00+01:00');
      const [key] = store.keys();
      await store.append(key!, JSON.stringify({ orderedAt: ADULT }), 50, 60_000);
      const attempt = service.listOrders(ADULT);
      await expect(attempt).rejects.toBeInstanceOf(CorruptStoredValueError);
      await expect(attempt).rejects.toMatchObject({ message: expect.not.stringMatching(/\d{3,}/) });
    });

    it('is not ready while the store cannot be reached', async () => {
      const store = new MemorySharedStore({ sweepIntervalMs: 0 });
      const service = SandboxMinIdService.fromBundledPopulation(deps(store));
      jest.spyOn(store, 'ping').mockRejectedValue(new Error('down'));
      await expect(service.isReady()).rejects.toThrow('down');
    });
  });
});
