import { z } from 'zod';
import type { Instant, Order, Person } from '../rules/types';
import type { SharedStore } from '../storage/shared';
import { pseudonymousKey, readStored } from '../storage/keys';
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

/** How long recorded orders are kept: longer than the 60-day rule window, so the rules still see them. */
export const ORDER_TTL_MS = 90 * 24 * 60 * 60 * 1000;

/**
 * Most orders kept per person. The 60-day rule allows about two in the TTL, so this only bounds what a
 * runaway test or script can pile up under one key.
 */
export const MAX_STORED_ORDERS = 50;

/** Key namespace of recorded orders; the rest of the key is an HMAC of the national ID number. */
const ORDERS_NAMESPACE = 'sandbox:minid:orders';

const storedOrderSchema = z.object({ orderedAt: instantSchema });

/** What a {@link SandboxMinIdService} keeps its recorded orders in. */
export interface SandboxMinIdDeps {
  /** Shared by every instance, so an order recorded on one is seen by all. */
  store: SharedStore;
  /**
   * HMAC key for the store keys (the national ID number never appears in a key). Every instance on the
   * same store must use the same secret.
   */
  secret: string;
}

/**
 * MinID register for the sandbox and tests.
 *
 * The bundled population is static fixture data and stays in memory, read-only. Orders recorded at run
 * time go to the {@link SharedStore}, so several bot instances on one store see one register: an order
 * recorded on one instance meets the 60-day rule on the next, exactly as against the real register.
 * Stored orders expire after {@link ORDER_TTL_MS}. Everything going in or out is copied: callers
 * (dialogs, tests) must not be able to change the register by mutating a returned object.
 */
export class SandboxMinIdService implements MinIdService {
  private readonly people = new Map<string, Person>();
  private readonly store: SharedStore;
  private readonly secret: string;

  /**
   * @param people the register's contents; validated and deep-copied.
   * @param deps where recorded orders go, and the secret their keys are derived with.
   * @throws PopulationDataError if a record has the wrong shape or a number appears twice.
   * @throws MissingKeySecretError if the secret is empty.
   */
  constructor(people: readonly Person[], deps: SandboxMinIdDeps) {
    const parsed = peopleSchema.safeParse(people);
    if (!parsed.success) {
      throw new PopulationDataError(parsed.error.issues);
    }
    // Fail at construction, not on the first order in the middle of a conversation.
    pseudonymousKey(ORDERS_NAMESPACE, deps.secret, '');
    this.store = deps.store;
    this.secret = deps.secret;
    for (const person of parsed.data) {
      this.people.set(person.nationalId, structuredClone(person));
    }
  }

  /**
   * Builds a register from population data of unknown shape (a parsed JSON file).
   *
   * @throws PopulationDataError if the data does not match the population schema.
   */
  static fromPopulationData(data: unknown, deps: SandboxMinIdDeps): SandboxMinIdService {
    const parsed = populationSchema.safeParse(data);
    if (!parsed.success) {
      throw new PopulationDataError(parsed.error.issues);
    }
    return new SandboxMinIdService(parsed.data.people, deps);
  }

  /** Builds a register from the synthetic population bundled in `src/minid/population.json`. */
  static fromBundledPopulation(deps: SandboxMinIdDeps): SandboxMinIdService {
    return SandboxMinIdService.fromPopulationData(population, deps);
  }

  /** The bundled person with bundled and recorded orders merged, oldest first. */
  async findPerson(nationalId: string): Promise<Person | undefined> {
    const person = this.people.get(nationalId);
    if (!person) {
      return undefined;
    }
    const copy = structuredClone(person);
    const orders = [...(copy.orders ?? []), ...(await this.storedOrders(nationalId))];
    // A person without any order keeps having no `orders` property, as in the fixture data.
    if (orders.length > 0) {
      copy.orders = oldestFirst(orders);
    }
    return copy;
  }

  /**
   * Appends an order to the shared store. Business rules are not checked here: the dialog asks the
   * rules module first.
   *
   * @throws PersonNotFoundError if no person has this number.
   * @throws InvalidOrderTimeError if `orderedAt` carries no offset or is not a valid instant.
   */
  async recordOrder(nationalId: string, orderedAt: Instant): Promise<Order> {
    if (!instantSchema.safeParse(orderedAt).success) {
      throw new InvalidOrderTimeError();
    }
    if (!this.people.has(nationalId)) {
      throw new PersonNotFoundError();
    }
    const order: Order = { orderedAt };
    await this.store.append(
      this.ordersKey(nationalId),
      JSON.stringify(order),
      MAX_STORED_ORDERS,
      ORDER_TTL_MS,
    );
    return { ...order };
  }

  /** Unknown numbers have no orders, so they give an empty list rather than an error (it is a read). */
  async listOrders(nationalId: string): Promise<Order[]> {
    const person = this.people.get(nationalId);
    if (!person) {
      // recordOrder refuses unknown numbers, so the store holds nothing for them: no round trip.
      return [];
    }
    return oldestFirst([...structuredClone(person.orders ?? []), ...(await this.storedOrders(nationalId))]);
  }

  /** Ready when the shared store answers, since recorded orders live there. */
  async isReady(): Promise<boolean> {
    await this.store.ping();
    return true;
  }

  private ordersKey(nationalId: string): string {
    return pseudonymousKey(ORDERS_NAMESPACE, this.secret, nationalId);
  }

  /** @throws CorruptStoredValueError if a stored order cannot be read. */
  private async storedOrders(nationalId: string): Promise<Order[]> {
    const raw = await this.store.list(this.ordersKey(nationalId));
    return raw.map((value) => readStored(storedOrderSchema, value, 'sandbox order'));
  }
}
