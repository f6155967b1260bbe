import { createHmac } from 'node:crypto';
import type { z } from 'zod';

/**
 * Thrown when a service that derives shared-store keys is built without a secret. An empty HMAC key
 * would make the keys a plain hash of the personal data, which anyone can reverse by trying every
 * national ID number or phone number.
 */
export class MissingKeySecretError extends Error {
  constructor() {
    super('A non-empty secret is required to derive shared-store keys');
    this.name = 'MissingKeySecretError';
  }
}

/**
 * Thrown when a value read from the shared store does not have the expected shape. The message names
 * only what was being read, never the value: stored values may hold one-time codes.
 */
export class CorruptStoredValueError extends Error {
  constructor(what: string) {
    super(`A stored ${what} does not have the expected shape`);
    this.name = 'CorruptStoredValueError';
  }
}

/**
 * Derives a shared-store key for personal data: `<namespace>:<HMAC-SHA256 hex>`. The namespace is also
 * part of the HMAC input, so the same secret used for several purposes (log pseudonyms, code hashes,
 * other keys) never gives the same digest for the same number in two places.
 *
 * Every instance sharing a store must use the same secret, or each derives its own keys and they share
 * nothing.
 *
 * @throws MissingKeySecretError if `secret` is empty.
 */
export function pseudonymousKey(namespace: string, secret: string, value: string): string {
  if (!secret) throw new MissingKeySecretError();
  const digest = createHmac('sha256', secret).update(`${namespace}\u0000${value}`).digest('hex');
  return `${namespace}:${digest}`;
}

/**
 * Parses one stored JSON value against `schema`.
 *
 * @throws CorruptStoredValueError if it is not JSON or does not match.
 */
export function readStored<T>(schema: z.ZodType<T>, raw: string, what: string): T {
  let data: unknown;
  try {
    data = JSON.parse(raw);
  } catch {
    throw new CorruptStoredValueError(what);
  }
  const parsed = schema.safeParse(data);
  if (!parsed.success) throw new CorruptStoredValueError(what);
  return parsed.data;
}
