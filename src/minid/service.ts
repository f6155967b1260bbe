import type { Instant, Order, Person } from '../rules/types';

/**
 * Port to the MinID register: the only way dialogs read people and record activation-letter orders.
 *
 * Implementations decide nothing about eligibility (age, address, the 60-day rule); that is the rules
 * module's job, so the same rules hold whichever register sits behind this port.
 */
export interface MinIdService {
  /** Looks a person up by their 11-digit number; undefined if the register has no such person. Returned orders include recorded ones. */
  findPerson(nationalId: string): Promise<Person | undefined>;
  /** Records a new activation-letter order. */
  recordOrder(nationalId: string, orderedAt: Instant): Promise<Order>;
  /** All orders for the person, oldest first. */
  listOrders(nationalId: string): Promise<Order[]>;
  /** For /readyz. */
  isReady(): Promise<boolean>;
}

/**
 * Thrown when an order is recorded for a number the register does not know.
 *
 * The message deliberately carries no part of the national ID number: errors end up in logs, and the
 * number is personal data.
 */
export class PersonNotFoundError extends Error {
  constructor() {
    super('No person in the register has the given national ID number');
    this.name = 'PersonNotFoundError';
  }
}
