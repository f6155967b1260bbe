import fc from 'fast-check';
import population from '../../../src/minid/population.json';
import { maskNationalId, parseNationalId, type ParseNationalIdOptions } from '../../../src/rules';
import { buildNationalId } from './national-id-builder';

const TODAY = '2026-11-24';
const OPTS: ParseNationalIdOptions = { today: TODAY, acceptSynthetic: true };
const OPTS_2040: ParseNationalIdOptions = { today: '2040-06-01', acceptSynthetic: true };
const RUNS = { numRuns: 300 };

// Individual-number ranges per birth year, restated from domain.md (birth numbers use the classic table;
// D-numbers the extended D-number table first, then the classic one).
function individualRanges(year: number, dNumber: boolean): Array<[number, number]> {
  if (dNumber) {
    if (year < 1900) return [[500, 599]]; // 1858-1899 by the D table, 1854-1857 by the classic fallback
    if (year < 1940) return [[0, 199]];
    if (year < 2000)
      return [
        [0, 499],
        [600, 999],
      ];
    return [[200, 999]];
  }
  if (year < 1900) return [[500, 749]];
  if (year < 1940) return [[0, 499]];
  if (year < 2000)
    return [
      [0, 499],
      [900, 999],
    ];
  return [[500, 999]];
}

const daysIn = (year: number, month: number): number => new Date(Date.UTC(year, month, 0)).getUTCDate();

interface Generated {
  id: string;
  birthDate: string;
  dNumber: boolean;
  synthetic: boolean;
}

/** Valid numbers (classic control digits) with a birth date from 1854 up to TODAY. */
const validNumber: fc.Arbitrary<Generated> = fc
  .record({
    year: fc.integer({ min: 1854, max: 2026 }),
    month: fc.integer({ min: 1, max: 12 }),
    day: fc.integer({ min: 1, max: 31 }),
    dNumber: fc.boolean(),
    synthetic: fc.boolean(),
    pick: fc.nat(),
  })
  .map(({ year, month, day, dNumber, synthetic, pick }) => {
    const d = Math.min(day, daysIn(year, month));
    const birthDate = `${year}-${String(month).padStart(2, '0')}-${String(d).padStart(2, '0')}`;
    const ranges = individualRanges(year, dNumber);
    const [lo, hi] = ranges[pick % ranges.length];
    const start = lo + (pick % (hi - lo + 1));
    // About 2 in 11 individual numbers have no valid control digits; walk to the next one that has.
    for (let k = 0; k <= hi - lo; k += 1) {
      const individual = lo + ((start - lo + k) % (hi - lo + 1));
      const id = buildNationalId({ day: d, month, yy: year % 100, individual, dNumber, synthetic });
      if (id) return { id, birthDate, dNumber, synthetic };
    }
    throw new Error('no valid individual number in range');
  })
  .filter((g) => g.birthDate <= TODAY);

const mutations = (id: string): Array<{ position: number; mutated: string }> => {
  const out: Array<{ position: number; mutated: string }> = [];
  for (let position = 0; position < 11; position += 1) {
    for (let digit = 0; digit <= 9; digit += 1) {
      if (String(digit) !== id[position]) {
        out.push({ position, mutated: id.slice(0, position) + digit + id.slice(position + 1) });
      }
    }
  }
  return out;
};

/*
 * What mod 11 can and cannot see, worked out from the weights: a substitution at position p changes the K2
 * sum by w2[p] * delta, with w2 = 5,4,3,2,7,6,5,4,3,2,1 (K1 weighs 2 in S2, K2 itself 1) and
 * 1 <= |delta| <= 9. 11 is prime, no weight is a multiple of 11 and neither is delta, so the K2 check
 * fails for every single-digit substitution in every position, under the classic and the 2032 rule alike
 * (the 2032 rule only relaxes K1). Likewise an adjacent transposition of different digits a, b changes the
 * sum by (w2[p] - w2[p+1]) * (b - a), and the neighbouring differences 1,1,1,-5,1,1,1,1,1,1 are never
 * multiples of 11. So there are no undetectable exceptions: the tests below assert exactly that, plus an
 * exhaustive sweep over the fixtures. A substitution in the date or individual digits may be reported as
 * 'date' (checked first); one in K1 or K2 leaves the date intact and is always 'checksum'.
 */
describe('single-digit typos', () => {
  it('every fixture number rejects all 99 single-digit substitutions', () => {
    let checked = 0;
    for (const p of population.people) {
      for (const { position, mutated } of mutations(p.nationalId)) {
        const result = parseNationalId(mutated, OPTS);
        expect(result.ok).toBe(false);
        if (!result.ok) {
          expect(['date', 'checksum']).toContain(result.reason);
          if (position >= 9) expect(result.reason).toBe('checksum');
        }
        checked += 1;
      }
    }
    expect(checked).toBe(population.people.length * 99);
  });

  it('a generated valid number round-trips through the parser', () => {
    fc.assert(
      fc.property(validNumber, ({ id, birthDate, dNumber, synthetic }) => {
        expect(parseNationalId(id, OPTS)).toEqual({
          ok: true,
          value: id,
          kind: dNumber ? 'd-number' : 'birth-number',
          synthetic,
          birthDate,
        });
      }),
      RUNS,
    );
  });

  it('every single-digit substitution of a valid number is rejected, as date or checksum', () => {
    fc.assert(
      fc.property(validNumber, ({ id }) => {
        for (const { position, mutated } of mutations(id)) {
          const result = parseNationalId(mutated, OPTS);
          if (result.ok) throw new Error(`undetected substitution at ${position}`);
          expect(['date', 'checksum']).toContain(result.reason);
          if (position >= 9) expect(result.reason).toBe('checksum');
        }
      }),
      { numRuns: 100 },
    );
  });

  it('the 2032 rule does not open any hole: substitutions stay rejected from 2032', () => {
    const extendedNumber = fc
      .record({ base: validNumber, remainder: fc.integer({ min: 0, max: 3 }) })
      .map(({ base, remainder }) => {
        // Same nine digits, K1 chosen so (S1 + K1) mod 11 = remainder.
        const dd = Number(base.id.slice(0, 2));
        const mm = Number(base.id.slice(2, 4));
        return buildNationalId({
          day: dd,
          month: mm,
          yy: Number(base.id.slice(4, 6)),
          individual: Number(base.id.slice(6, 9)),
          k1Remainder: remainder,
        });
      })
      .filter((id): id is string => id !== undefined);
    fc.assert(
      fc.property(extendedNumber, (id) => {
        expect(parseNationalId(id, OPTS_2040).ok).toBe(true);
        for (const { position, mutated } of mutations(id)) {
          const result = parseNationalId(mutated, OPTS_2040);
          if (result.ok) throw new Error(`undetected substitution at ${position}`);
          expect(['date', 'checksum']).toContain(result.reason);
        }
      }),
      { numRuns: 100 },
    );
  });

  it('every adjacent transposition of two different digits is rejected', () => {
    fc.assert(
      fc.property(validNumber, ({ id }) => {
        for (let p = 0; p < 10; p += 1) {
          if (id[p] === id[p + 1]) continue;
          const swapped = id.slice(0, p) + id[p + 1] + id[p] + id.slice(p + 2);
          expect(parseNationalId(swapped, OPTS).ok).toBe(false);
        }
      }),
      RUNS,
    );
  });
});

describe('forgiving input, as properties', () => {
  const separator = fc.constantFrom(' ', '\u00a0', '.', '-', '\u2013');
  const gap = fc.array(separator, { maxLength: 2 }).map((s) => s.join(''));
  const padding = fc
    .array(fc.constantFrom(' ', '\t', '\n', '\u00a0'), { maxLength: 3 })
    .map((s) => s.join(''));

  it('separators between digits and whitespace around never change the result', () => {
    fc.assert(
      fc.property(
        validNumber,
        fc.array(gap, { minLength: 10, maxLength: 10 }),
        padding,
        padding,
        (g, gaps, l, r) => {
          const typed = l + [...g.id].map((digit, i) => digit + (gaps[i] ?? '')).join('') + r;
          expect(parseNationalId(typed, OPTS)).toEqual(parseNationalId(g.id, OPTS));
        },
      ),
      RUNS,
    );
  });

  it('a separator at either end is characters (spaces there are whitespace and trimmed)', () => {
    const visibleSeparator = fc.constantFrom('.', '-', '\u2013');
    fc.assert(
      fc.property(validNumber, visibleSeparator, padding, fc.boolean(), (g, sep, pad, atStart) => {
        const typed = atStart ? pad + sep + g.id : g.id + sep + pad;
        expect(parseNationalId(typed, OPTS)).toEqual({ ok: false, reason: 'characters' });
      }),
      RUNS,
    );
  });

  it('never throws and only returns the documented reasons, for any text', () => {
    const reasons = ['empty', 'length', 'characters', 'date', 'checksum', 'future', 'h-number', 'synthetic'];
    fc.assert(
      fc.property(fc.oneof(fc.string({ unit: 'binary' }), fc.stringMatching(/^[0-9 .-]{0,14}$/)), (text) => {
        const result = parseNationalId(text, OPTS);
        if (result.ok) expect(result.value).toMatch(/^\d{11}$/);
        else expect(reasons).toContain(result.reason);
      }),
      { numRuns: 500 },
    );
  });

  it('a first digit 8 or 9 is always date', () => {
    fc.assert(
      fc.property(fc.constantFrom('8', '9'), fc.stringMatching(/^[0-9]{10}$/), (first, rest) => {
        expect(parseNationalId(first + rest, OPTS)).toEqual({ ok: false, reason: 'date' });
      }),
      RUNS,
    );
  });
});

describe('masking, as properties', () => {
  const digitCount = (s: string): number => (s.match(/[0-9]/g) ?? []).length;

  it('never reveals more than two digits of an 11-digit string', () => {
    fc.assert(
      fc.property(fc.stringMatching(/^[0-9]{11}$/), (id) => {
        const masked = maskNationalId(id);
        expect(digitCount(masked)).toBeLessThanOrEqual(2);
        expect(masked).toBe('*********' + id.slice(-2));
      }),
      RUNS,
    );
  });

  it('never reveals more than two digits, or the length, of any text', () => {
    fc.assert(
      fc.property(
        fc.oneof(fc.string({ unit: 'binary' }), fc.stringMatching(/^[0-9 a-z.]{0,30}$/)),
        (text) => {
          const masked = maskNationalId(text);
          expect(masked).toHaveLength(11);
          expect(digitCount(masked)).toBeLessThanOrEqual(2);
          const inputDigits = text.replace(/[^0-9]/g, '');
          expect(masked.replace(/\*/g, '')).toBe(inputDigits.slice(-2));
        },
      ),
      { numRuns: 500 },
    );
  });
});
