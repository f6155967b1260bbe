/**
 * Shapes shared by the rules module and its callers. They mirror the records of the sandbox population
 * (`src/minid/population.json`), which is the contract the real MinID register will be adapted to.
 */

/** A `YYYY-MM-DD` local date in Europe/Oslo. */
export type LocalDate = string;
/** An ISO 8601 instant that carries an offset or `Z`. */
export type Instant = string;

export interface Address {
  careOf?: string;
  street: string;
  postcode: string;
  city: string;
  country?: string;
}

export interface Order {
  orderedAt: Instant;
}

export interface Person {
  key?: string;
  nationalId: string;
  kind: 'birth-number' | 'd-number';
  name?: string;
  birthDate: LocalDate;
  hasMinId: boolean;
  residentialAddress?: Address;
  postalAddress?: Address;
  orders?: Order[];
}

export type NationalIdFailure =
  'empty' | 'length' | 'characters' | 'date' | 'checksum' | 'future' | 'h-number' | 'synthetic';

export type ParsedNationalId =
  | {
      ok: true;
      /** The 11 digits, separators removed. */
      value: string;
      kind: 'birth-number' | 'd-number';
      synthetic: boolean;
      birthDate: LocalDate;
    }
  | { ok: false; reason: NationalIdFailure };

export interface ParseNationalIdOptions {
  /** Today's local date (Europe/Oslo), passed in so the module never reads the clock. */
  today: LocalDate;
  /** Accept Tenor synthetic numbers (month + 80); true only in the sandbox. */
  acceptSynthetic: boolean;
}

export type OrderDecision =
  | {
      outcome: 'can-order';
      deliveryBy: LocalDate;
      validUntil: LocalDate;
      address: 'postal' | 'residential';
      careOf: boolean;
    }
  | { outcome: 'too-young'; orderableFrom: LocalDate }
  | { outcome: 'has-minid' }
  | {
      outcome: 'active-order';
      orderedOn: LocalDate;
      deliveryBy: LocalDate;
      validUntil: LocalDate;
      newOrderFrom: LocalDate;
    }
  | { outcome: 'no-address' };

export type OrderOutcome = OrderDecision['outcome'];
