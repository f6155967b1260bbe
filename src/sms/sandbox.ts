import { E164_PATTERN, InvalidRecipientError, type SmsGateway } from './gateway';

/** One message in the sandbox outbox. */
export interface SandboxSms {
  to: string;
  text: string;
  /** When it was "sent", as an ISO 8601 instant in UTC. */
  sentAt: string;
}

/** How many messages the sandbox keeps by default. */
export const DEFAULT_OUTBOX_CAPACITY = 1000;

/**
 * An SMS gateway that sends nothing and keeps messages in memory, so the sandbox and tests can read the
 * codes a user would have received.
 *
 * The outbox is bounded (oldest messages are dropped first) because a sandbox may run for weeks.
 */
export class SandboxSmsGateway implements SmsGateway {
  private readonly now: () => Date;
  private readonly capacity: number;
  private outbox: SandboxSms[] = [];

  /**
   * @param deps.now the clock used for `sentAt`.
   * @param deps.capacity how many messages to keep; defaults to {@link DEFAULT_OUTBOX_CAPACITY}.
   */
  constructor(deps: { now: () => Date; capacity?: number }) {
    const capacity = deps.capacity ?? DEFAULT_OUTBOX_CAPACITY;
    if (!Number.isInteger(capacity) || capacity < 1) {
      throw new RangeError('capacity must be a positive integer');
    }
    this.now = deps.now;
    this.capacity = capacity;
  }

  /** @throws InvalidRecipientError if `to` is not E.164, so a bug upstream shows in the sandbox, not only in production. */
  async send(to: string, text: string): Promise<void> {
    if (!E164_PATTERN.test(to)) {
      throw new InvalidRecipientError();
    }
    this.outbox.push({ to, text, sentAt: this.now().toISOString() });
    if (this.outbox.length > this.capacity) {
      this.outbox.splice(0, this.outbox.length - this.capacity);
    }
  }

  /** Messages sent to `to` (E.164), oldest first, as copies. */
  messagesTo(to: string): Array<{ to: string; text: string; sentAt: string }> {
    return this.outbox.filter((message) => message.to === to).map((message) => ({ ...message }));
  }

  /** Every message still kept, oldest first, as copies. */
  messages(): SandboxSms[] {
    return this.outbox.map((message) => ({ ...message }));
  }

  /** Empties the outbox. */
  clear(): void {
    this.outbox = [];
  }
}
