/**
 * Test-side builder for national ID numbers. It restates the control-digit formulas from domain.md
 * independently of src/rules, so tests do not check the parser against itself.
 */

const K1_WEIGHTS = [3, 7, 6, 1, 8, 9, 4, 5, 2];
const K2_WEIGHTS = [5, 4, 3, 2, 7, 6, 5, 4, 3, 2];

const sum = (digits: string, weights: number[]): number =>
  weights.reduce((acc, w, i) => acc + w * Number(digits[i]), 0);

const mod11 = (n: number): number => ((n % 11) + 11) % 11;

/**
 * Appends K1 and K2 to nine digits. With `k1Remainder` 0 this is the classic rule; 1-3 give a K1 that only
 * the 2032 rule accepts ((S1 + K1) mod 11 = remainder). Returns undefined when a control digit would be 10.
 */
export function withControlDigits(first9: string, k1Remainder = 0): string | undefined {
  const k1 = mod11(k1Remainder - sum(first9, K1_WEIGHTS));
  if (k1 === 10) return undefined;
  const ten = first9 + String(k1);
  const k2 = mod11(-sum(ten, K2_WEIGHTS));
  if (k2 === 10) return undefined;
  return ten + String(k2);
}

export interface NumberSpec {
  day: number;
  month: number;
  /** Two-digit year. */
  yy: number;
  individual: number;
  dNumber?: boolean;
  hNumber?: boolean;
  synthetic?: boolean;
  k1Remainder?: number;
}

const two = (n: number): string => String(n).padStart(2, '0');

/** The nine leading digits of a number (offsets applied), before control digits. */
export function first9(spec: NumberSpec): string {
  const day = spec.day + (spec.dNumber ? 40 : 0);
  const month = spec.month + (spec.hNumber ? 40 : 0) + (spec.synthetic ? 80 : 0);
  return two(day) + two(month) + two(spec.yy) + String(spec.individual).padStart(3, '0');
}

/** A whole number from a spec, or undefined when no valid control digits exist for it. */
export function buildNationalId(spec: NumberSpec): string | undefined {
  return withControlDigits(first9(spec), spec.k1Remainder ?? 0);
}

/**
 * Like buildNationalId, but walks the individual number upwards within [individual, max] until valid
 * control digits exist: about 2 in 11 individual numbers have none, and a table test wants a real number.
 */
export function buildFirstValid(spec: NumberSpec, max = spec.individual + 20): string {
  for (let individual = spec.individual; individual <= max; individual += 1) {
    const built = buildNationalId({ ...spec, individual });
    if (built) return built;
  }
  throw new Error(`no valid number for ${JSON.stringify(spec)}`);
}
