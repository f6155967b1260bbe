import { PEOPLE, TEST_LANDLINE, TEST_PHONE } from './format';

/**
 * Finds personal data in clear in any text (bot replies, transcript files, log lines, errors, storage).
 * Findings are reported by label ("national ID of adult-plain"), never by value, so a failing test
 * does not print the very data it protects.
 */
export interface Secret {
  label: string;
  /** Digits only. */
  digits: string;
  kind: 'id' | 'phone' | 'code';
}

/** Every national ID in the sandbox population, the test mobile (both forms) and the landline. */
export function seededSecrets(): Secret[] {
  return [
    ...PEOPLE.map((p) => ({ label: `national ID of ${p.key}`, digits: p.nationalId, kind: 'id' as const })),
    { label: 'test mobile (E.164)', digits: TEST_PHONE.e164.replace(/\D/g, ''), kind: 'phone' },
    { label: 'test mobile (national)', digits: TEST_PHONE.national, kind: 'phone' },
    { label: 'test landline', digits: TEST_LANDLINE.national, kind: 'phone' },
  ];
}

export function codeSecrets(codes: Iterable<string>): Secret[] {
  return [...new Set(codes)].map((code, i) => ({
    label: `one-time code #${i + 1}`,
    digits: code,
    kind: 'code',
  }));
}

/** The codes in SMS texts (the sandbox outbox). */
export function codesIn(smsTexts: Iterable<string>): string[] {
  const out: string[] = [];
  for (const text of smsTexts) out.push(...(text.match(/(?<!\d)\d{6}(?!\d)/g) ?? []));
  return out;
}

// Digits joined by the separators people (and formatters) put inside numbers: spaces, no-break spaces,
// dots, dashes, en-dashes, slashes; "148385 10036", "14.83.85-100.36", "+47 412 34 567".
const DIGIT_RUN = /\d(?:[\s.\-\u2013\u00a0/]{0,2}\d)*/g;
const PURE_RUN = /\d+/g;
const PSEUDONYM = /\b[0-9a-f]{16}\b/g;
/** Longer plain digit runs are epoch timestamps in log lines; a code hidden in one is not a code shown. */
const MAX_RUN_FOR_CODE_SEARCH = 12;

/**
 * Labels of the secrets found in `text`. National IDs and phone numbers are compared in digit-only form:
 * within any run of digits and separators, and (IDs, being 11 digits) in all of the text's digits taken
 * together. A code is found when a run of digits, with or without separators, is exactly the code, or
 * when a short plain digit run contains it.
 */
export function findSecrets(text: string, secrets: readonly Secret[]): string[] {
  const runs = (text.match(DIGIT_RUN) ?? []).map((r) => r.replace(/\D/g, ''));
  // A 16-hex pseudonym (an HMAC) can hold a 6-digit run by chance ("da0b590334252bfb"); a code cannot
  // leak through one, so codes are not looked for inside them. IDs and phones still are.
  const withoutPseudonyms = text.replace(PSEUDONYM, ' ');
  const codeRuns = (withoutPseudonyms.match(DIGIT_RUN) ?? []).map((r) => r.replace(/\D/g, ''));
  const pure = withoutPseudonyms.match(PURE_RUN) ?? [];
  const allDigits = text.replace(/\D/g, '');
  const found = new Set<string>();
  for (const secret of secrets) {
    const hit =
      secret.kind === 'code'
        ? codeRuns.includes(secret.digits) ||
          pure.some((r) => r.length <= MAX_RUN_FOR_CODE_SEARCH && r.includes(secret.digits))
        : runs.some((r) => r.includes(secret.digits)) ||
          (secret.kind === 'id' && allDigits.includes(secret.digits));
    if (hit) found.add(secret.label);
  }
  return [...found];
}
