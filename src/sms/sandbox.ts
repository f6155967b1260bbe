import { z } from 'zod';
import type { SharedStore } from '../storage/shared';
import { pseudonymousKey, readStored } from '../storage/keys';
import { E164_PATTERN, InvalidRecipientError, type SmsGateway } from './gateway';

/** One message in the sandbox outbox. */
export interface SandboxSms {
  to: string;
  text: string;
  /** When it was "sent", as an ISO 8601 instant in UTC. */
  sentAt: string;
}

/**
 * How many messages the sandbox keeps per recipient by default. One verification sends at most
 * 1 + `CODE_POLICY.maxResends` codes, so this holds several verifications' worth while bounding
 * what one number can pile up.
 */
export const DEFAULT_OUTBOX_CAPACITY = 20;

/**
 * How long a recipient's outbox is kept by default after its latest message: one hour, six times a
 * code's validity (`CODE_POLICY.validMinutes`). The outbox holds one-time codes, so it must not outlive their use; an hour leaves a
 * tester time to read a code (and its resends) and is long past the point where any of them still works.
 */
export const DEFAULT_OUTBOX_TTL_MS = 60 * 60 * 1000;

/** Key namespace of the outbox; the rest of the key is an HMAC of the E.164 number. */
const OUTBOX_NAMESPACE = 'sandbox:sms:outbox';

/** The stored form: the recipient is not stored at all (the reader already knows it, from the key). */
const storedSmsSchema = z.object({ text: z.string(), sentAt: z.string() });

/** Dependencies of {@link SandboxSmsGateway}. */
export interface SandboxSmsDeps {
  /** The clock used for `sentAt`. */
  now: () => Date;
  /** Shared by every instance, so a code sent by one can be read from any instance's `/sandbox/sms`. */
  store: SharedStore;
  /**
   * HMAC key for the store keys (the phone number never appears in a key). Every instance on the same
   * store must use the same secret.
   */
  secret: string;
  /** Messages kept per recipient; defaults to {@link DEFAULT_OUTBOX_CAPACITY}. */
  capacity?: number;
  /** Lifetime of a recipient's outbox after its latest message; defaults to {@link DEFAULT_OUTBOX_TTL_MS}. */
  ttlMs?: number;
}

/**
 * An SMS gateway that sends nothing and keeps messages in the {@link SharedStore}, so the sandbox and
 * tests can read the codes a user would have received, from any instance.
 *
 * Each recipient has a capped list (oldest dropped first) under an HMAC of their number, with a short
 * TTL. There is deliberately no "every message" view: the store cannot be listed by recipient without
 * keeping numbers somewhere, and nothing but a reader who already knows the number needs the outbox.
 */
export class SandboxSmsGateway implements SmsGateway {
  private readonly now: () => Date;
  private readonly store: SharedStore;
  private readonly secret: string;
  private readonly capacity: number;
  private readonly ttlMs: number;

  /**
   * @throws RangeError if `capacity` or `ttlMs` is not a positive integer.
   * @throws MissingKeySecretError if the secret is empty.
   */
  constructor(deps: SandboxSmsDeps) {
    const capacity = deps.capacity ?? DEFAULT_OUTBOX_CAPACITY;
    if (!Number.isInteger(capacity) || capacity < 1) {
      throw new RangeError('capacity must be a positive integer');
    }
    const ttlMs = deps.ttlMs ?? DEFAULT_OUTBOX_TTL_MS;
    if (!Number.isInteger(ttlMs) || ttlMs < 1) {
      throw new RangeError('ttlMs must be a positive integer');
    }
    // Fail at construction, not on the first code in the middle of a conversation.
    pseudonymousKey(OUTBOX_NAMESPACE, deps.secret, '');
    this.now = deps.now;
    this.store = deps.store;
    this.secret = deps.secret;
    this.capacity = capacity;
    this.ttlMs = ttlMs;
  }

  /** @throws InvalidRecipientError if `to` is not E.164, so a bug upstream shows in the sandbox, not only in production. */
  async send(to: string, text: string): Promise<void> {
    if (!E164_PATTERN.test(to)) {
      throw new InvalidRecipientError();
    }
    const stored: z.infer<typeof storedSmsSchema> = { text, sentAt: this.now().toISOString() };
    await this.store.append(this.outboxKey(to), JSON.stringify(stored), this.capacity, this.ttlMs);
  }

  /**
   * Messages sent to `to` (E.164) and still kept, oldest first. Anything not E.164 has no outbox.
   *
   * @throws CorruptStoredValueError if a stored message cannot be read.
   */
  async messagesTo(to: string): Promise<SandboxSms[]> {
    if (!E164_PATTERN.test(to)) {
      return [];
    }
    const raw = await this.store.list(this.outboxKey(to));
    return raw.map((value) => ({ to, ...readStored(storedSmsSchema, value, 'sandbox SMS') }));
  }

  private outboxKey(to: string): string {
    return pseudonymousKey(OUTBOX_NAMESPACE, this.secret, to);
  }
}
