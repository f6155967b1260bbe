import { z } from 'zod';
import type { Instant, Order, Person } from '../rules/types';
import population from './population.json';
import { PersonNotFoundError, type MinIdService } from './service';

const instantSchema = z.iso.datetime({ offset: true });
const localDateSchema = z.string().regex(/^\d{4}-\d{2}-\d{2}$/);

const addressSchema = z.object({
  careOf: z.string().min(1).optional(),
  street: z.string().min(1),
  postcode: z.string().min(1),
  city: z.string().min(1),
  country: z.string().min(1).optional(),
});

const personSchema = z.object({
  key: z.string().min(1).optional(),
  nationalId: z.string().regex(/^\d{11}$/),
  kind: z.enum(['birth-number', 'd-number']),
  name: z.string().optional(),
  birthDate: localDateSchema,
  hasMinId: z.boolean(),
  residentialAddress: addressSchema.optional(),
  postalAddress: addressSchema.optional(),
  orders: z.array(z.object({ orderedAt: instantSchema })).optional(),
});

const peopleSchema = z.array(personSchema).superRefine((people, ctx) => {
  const seen = new Set<string>();
  people.forEach((person, index) => {
    if (seen.has(person.nationalId)) {
      // No value in the message: the path is enough to find the record, and the number is personal data.
      ctx.addIssue({ code: 'custom', path: [index, 'nationalId'], message: 'duplicate national ID number' });
    }
    seen.add(person.nationalId);
  });
});

const populationSchema = z.object({
  description: z.string().optional(),
  referenceDate: localDateSchema.optional(),
  people: peopleSchema,
});

/**
 * Thrown when sandbox population data does not have the expected shape.
 *
 * The message lists only paths and issue codes, never zod's own messages or values, so that a broken
 * record cannot leak a national ID number into logs.
 */
export class PopulationDataError extends Error {
  /** Where the data is wrong, e.g. `people.3.nationalId: invalid_format`. */
  readonly problems: readonly string[];

  constructor(issues: readonly z.core.$ZodIssue[]) {
    const problems = issues.map((issue) => `${issue.path.map(String).join('.') || '(root)'}: ${issue.code}`);
    super(
      `Invalid sandbox population data (${problems.slice(0, 5).join('; ')}${problems.length > 5 ? '; …' : ''})`,
    );
    this.name = 'PopulationDataError';
    this.problems = problems;
  }
}

/** Thrown when an order time is not an ISO 8601 instant with an offset or `Z`. */
export class InvalidOrderTimeError extends Error {
  constructor() {
    super('orderedAt must be an ISO 8601 instant with an offset or Z');
    this.name = 'InvalidOrderTimeError';
  }
}

/** Sorts by the instant itself; strings with different offsets do not sort chronologically. */
function oldestFirst(orders: Order[]): Order[] {
  return orders
    .map((order, index) => ({ order, index, at: Date.parse(order.orderedAt) }))
    .sort((a, b) => a.at - b.at || a.index - b.index)
    .map(({ order }) => order);
}

/**
 * In-memory MinID register for the sandbox and tests.
 *
 * Recorded orders are kept for the life of the object, so a second order for the same person meets the
 * 60-day rule exactly as it would against the real register. Everything going in or out is copied:
 * callers (dialogs, tests) must not be able to change the register by mutating a returned object.
 */
export class SandboxMinIdService implements MinIdService {
  private readonly people = new Map<string, Person>();

  /**
   * @param people the register's contents; validated and deep-copied.
   * @throws PopulationDataError if a record has the wrong shape or a number appears twice.
   */
  constructor(people: readonly Person[]) {
    const parsed = peopleSchema.safeParse(people);
    if (!parsed.success) {
      throw new PopulationDataError(parsed.error.issues);
    }
    for (const person of parsed.data) {
      this.people.set(person.nationalId, structuredClone(person));
    }
  }

  /**
   * Builds a register from population data of unknown shape (a parsed JSON file).
   *
   * @throws PopulationDataError if the data does not match the population schema.
   */
  static fromPopulationData(data: unknown): SandboxMinIdService {
    const parsed = populationSchema.safeParse(data);
    if (!parsed.success) {
      throw new PopulationDataError(parsed.error.issues);
    }
    return new SandboxMinIdService(parsed.data.people);
  }

  /** Builds a register from the synthetic population bundled in `src/minid/population.json`. */
  static fromBundledPopulation(): SandboxMinIdService {
    return SandboxMinIdService.fromPopulationData(population);
  }

  async findPerson(nationalId: string): Promise<Person | undefined> {
    const person = this.people.get(nationalId);
    if (!person) {
      return undefined;
    }
    const copy = structuredClone(person);
    if (copy.orders) {
      copy.orders = oldestFirst(copy.orders);
    }
    return copy;
  }

  /**
   * Appends an order. Business rules are not checked here: the dialog asks the rules module first.
   *
   * @throws PersonNotFoundError if no person has this number.
   * @throws InvalidOrderTimeError if `orderedAt` carries no offset or is not a valid instant.
   */
  async recordOrder(nationalId: string, orderedAt: Instant): Promise<Order> {
    if (!instantSchema.safeParse(orderedAt).success) {
      throw new InvalidOrderTimeError();
    }
    const person = this.people.get(nationalId);
    if (!person) {
      throw new PersonNotFoundError();
    }
    const order: Order = { orderedAt };
    person.orders = [...(person.orders ?? []), order];
    return { ...order };
  }

  /** Unknown numbers have no orders, so they give an empty list rather than an error (it is a read). */
  async listOrders(nationalId: string): Promise<Order[]> {
    const person = this.people.get(nationalId);
    return oldestFirst(structuredClone(person?.orders ?? []));
  }

  async isReady(): Promise<boolean> {
    return true;
  }
}
