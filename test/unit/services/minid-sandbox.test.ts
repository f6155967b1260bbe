import type { Person } from '../../../src/rules/types';
import { InvalidOrderTimeError, PopulationDataError, SandboxMinIdService } from '../../../src/minid/sandbox';
import { PersonNotFoundError } from '../../../src/minid/service';
import population from '../../../src/minid/population.json';

const ADULT = '14838510036';
const ACTIVE_ORDER = '05859510002';
const UNKNOWN = '01010112345';

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
      const service = SandboxMinIdService.fromBundledPopulation();
      for (const p of population.people) {
        await expect(service.findPerson(p.nationalId)).resolves.toMatchObject({ key: p.key, kind: p.kind });
      }
    });

    it('returns the bundled orders', async () => {
      const service = SandboxMinIdService.fromBundledPopulation();
      await expect(service.listOrders(ACTIVE_ORDER)).resolves.toEqual([
        { orderedAt: '2026-11-04T09:12:00+01:00' },
      ]);
    });

    it('is ready', async () => {
      await expect(SandboxMinIdService.fromBundledPopulation().isReady()).resolves.toBe(true);
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
      expect(() => SandboxMinIdService.fromPopulationData(data)).toThrow(PopulationDataError);
    });

    it('names where the data is wrong but never the number', () => {
      let error: unknown;
      try {
        SandboxMinIdService.fromPopulationData({
          people: [person(), { ...person(), nationalId: '1483851003x' }],
        });
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
      expect(() => new SandboxMinIdService([person(), person()])).toThrow(
        expect.objectContaining({ name: 'PopulationDataError', message: expect.not.stringContaining(ADULT) }),
      );
    });
  });

  describe('findPerson', () => {
    it('returns undefined for an unknown number', async () => {
      await expect(new SandboxMinIdService([person()]).findPerson(UNKNOWN)).resolves.toBeUndefined();
    });

    it('returns copies that cannot change the register', async () => {
      const service = new SandboxMinIdService([
        person({ orders: [{ orderedAt: '2026-09-01T14:00:00+02:00' }] }),
      ]);
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
      const service = new SandboxMinIdService(input);
      input[0]!.hasMinId = true;
      await expect(service.findPerson(ADULT)).resolves.toMatchObject({ hasMinId: false });
    });
  });

  describe('recordOrder', () => {
    it('remembers the order so the person now has an active one', async () => {
      const service = SandboxMinIdService.fromBundledPopulation();
      await expect(service.findPerson(ADULT)).resolves.not.toHaveProperty('orders');

      const order = await service.recordOrder(ADULT, '2026-11-24T10:00:00+01:00');
      expect(order).toEqual({ orderedAt: '2026-11-24T10:00:00+01:00' });
      await expect(service.findPerson(ADULT)).resolves.toMatchObject({
        orders: [{ orderedAt: '2026-11-24T10:00:00+01:00' }],
      });
    });

    it('keeps orders from different service objects apart', async () => {
      const one = SandboxMinIdService.fromBundledPopulation();
      const two = SandboxMinIdService.fromBundledPopulation();
      await one.recordOrder(ADULT, '2026-11-24T10:00:00+01:00');
      await expect(two.listOrders(ADULT)).resolves.toEqual([]);
    });

    it('lists orders oldest first by instant, whatever their offsets', async () => {
      const service = new SandboxMinIdService([person()]);
      await service.recordOrder(ADULT, '2026-11-24T10:00:00+01:00');
      await service.recordOrder(ADULT, '2026-11-24T09:30:00Z'); // 10:30 in Oslo: later
      await service.recordOrder(ADULT, '2026-11-24T09:45:00+02:00'); // 07:45Z: earliest
      const expected = ['2026-11-24T09:45:00+02:00', '2026-11-24T10:00:00+01:00', '2026-11-24T09:30:00Z'];
      await expect(service.listOrders(ADULT)).resolves.toEqual(expected.map((orderedAt) => ({ orderedAt })));
      const found = await service.findPerson(ADULT);
      expect(found!.orders!.map((o) => o.orderedAt)).toEqual(expected);
    });

    it('returns a copy of the recorded order', async () => {
      const service = new SandboxMinIdService([person()]);
      const order = await service.recordOrder(ADULT, '2026-11-24T10:00:00+01:00');
      order.orderedAt = '2000-01-01T00:00:00Z';
      await expect(service.listOrders(ADULT)).resolves.toEqual([{ orderedAt: '2026-11-24T10:00:00+01:00' }]);
    });

    it('throws PersonNotFoundError without the number for an unknown person', async () => {
      const service = new SandboxMinIdService([person()]);
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
        const service = new SandboxMinIdService([person()]);
        await expect(service.recordOrder(ADULT, at)).rejects.toBeInstanceOf(InvalidOrderTimeError);
        await expect(service.listOrders(ADULT)).resolves.toEqual([]);
      },
    );
  });

  it('lists no orders for an unknown number', async () => {
    await expect(new SandboxMinIdService([person()]).listOrders(UNKNOWN)).resolves.toEqual([]);
  });
});
