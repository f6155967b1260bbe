import { createHmac } from 'node:crypto';

/**
 * Value-based redaction for anything that may reach a log, a transcript, a metric or an error: national
 * ID numbers, phone numbers and one-time codes are replaced wherever they appear in free text, whatever
 * key they sit under. Key-based redaction (logging.ts) is the first line; this is the net beneath it.
 */

const SEP = '[\\s.\\-\\u2013\\u00a0]?';
// 11 digits, optionally split by the separators people type ("151086 95088", "13.09.72 48022").
const NATIONAL_ID = new RegExp(`(?<![\\d])\\d(?:${SEP}\\d){10}(?![\\d])`, 'g');
// International numbers (+47 412 34 567, 0047 41234567) and Norwegian 8-digit shapes (412 34 567, 41 23 45 67).
const PHONE_INTL = /(?<![\d+])(?:\+|00)\d{1,3}(?:[\s.-]?\d){6,12}(?!\d)/g;
const PHONE_NO =
  /(?<!\d)(?:\d{3}[\s.]\d{2}[\s.]\d{3}|\d{2}[\s.]\d{2}[\s.]\d{2}[\s.]\d{2}|\d{3}[\s.]\d{5})(?!\d)/g;
// 4-10 digit runs may be one-time codes, phone numbers (also 47XXXXXXXX without the +), partial IDs or
// IDs whose leading zero was lost.
const DIGIT_RUN = /(?<!\d)\d{4,10}(?!\d)/g;
// Kept readable, as they are not personal data in this product's logs: ISO dates and instants, and the
// 16-hex pseudonyms of pseudonymize() (at least one letter), whose digit runs would otherwise be taken
// for codes and break log correlation.
const ISO_DATE = /\b(?:19|20)\d{2}-\d{2}-\d{2}(?:T\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:\d{2})?)?\b/;
const PSEUDONYM = /(?<![0-9A-Za-z])(?=[0-9]*[a-f])[0-9a-f]{16}(?![0-9A-Za-z])/;
const KEEP = new RegExp([ISO_DATE, PSEUDONYM].map((r) => r.source).join('|'), 'g');

export const REDACTED = '[redacted]';

function redactSegment(text: string): string {
  return text
    .replace(NATIONAL_ID, REDACTED)
    .replace(PHONE_INTL, REDACTED)
    .replace(PHONE_NO, REDACTED)
    .replace(DIGIT_RUN, REDACTED);
}

/** Replaces every ID-, phone- or code-shaped run of digits in `text`, leaving ISO dates (etc.) readable. */
export function redactText(text: string): string {
  let out = '';
  let last = 0;
  for (const match of text.matchAll(KEEP)) {
    out += redactSegment(text.slice(last, match.index)) + match[0];
    last = match.index + match[0].length;
  }
  return out + redactSegment(text.slice(last));
}

/**
 * Deeply redacts string values (and ID- or phone-sized integers) of a plain value; returns a copy. Errors
 * become `{ type, message, stack }` and dates ISO strings, so neither is lost as `{}`.
 */
export function redactValue(value: unknown, depth = 0): unknown {
  if (depth > 8) return '[deep]';
  if (typeof value === 'string') return redactText(value);
  // Errors and dates keep their content in non-enumerable or internal slots; copy what matters.
  if (value instanceof Error) {
    return {
      type: value.name,
      message: redactText(value.message),
      stack: value.stack ? redactText(value.stack) : undefined,
    };
  }
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? 'Invalid Date' : value.toISOString();
  if (typeof value === 'number') {
    // 8-11 digits: a phone number (with or without 47), or an ID number (a leading zero lost).
    return Number.isInteger(value) && /^\d{8,11}$/.test(String(Math.abs(value))) ? REDACTED : value;
  }
  if (Array.isArray(value)) return value.map((v) => redactValue(v, depth + 1));
  if (value && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = redactValue(v, depth + 1);
    return out;
  }
  return value;
}

/**
 * Pseudonymises an identifier (conversation id, user id) so logs can be correlated without being
 * linkable to a channel account by anyone who lacks the secret.
 */
export function pseudonymize(id: string | undefined, secret: string): string {
  if (!id) return '-';
  return createHmac('sha256', secret).update(id).digest('hex').slice(0, 16);
}

/**
 * Full HMAC-SHA256 (hex) of a storage key, so keys in a store (Redis, memory) never carry a conversation
 * or user id in clear, yet every instance sharing the secret finds the same record. Unlike
 * {@link pseudonymize} it keeps all 256 bits: collisions here would mix two people's state.
 */
export function hashKey(secret: string, key: string): string {
  return createHmac('sha256', secret).update(`storage-key:${key}`).digest('hex');
}
