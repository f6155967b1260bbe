import { LIMIT_POLICY, type LimitName, type LimitWindow } from '../rules';
import type { Clock } from '../clock';
import type { Logger } from '../logging';
import { pseudonymize } from '../privacy/redact';
import { pseudonymousKey } from '../storage/keys';
import type { SharedStore } from '../storage/shared';

/**
 * A limit said no: which one, and when the user may try again. Carries no phone, ID or conversation.
 */
export interface LimitRefusal {
  limit: LimitName;
  /** How long until the limit lets the user try again, in milliseconds (at least 1). */
  retryAfterMs: number;
  /** The same as an instant, ISO 8601 UTC. */
  retryAt: string;
}

/**
 * Who asks for a one-time code. Every field is a pseudonym from {@link AbuseLimits.ref} (or, for the
 * client, the pseudonym the server put in the turn); never a phone number, ID number or conversation id.
 */
export interface CodeRequester {
  phone: string;
  /** The ID number the code is to verify, when the flow has one (the order flow always has). */
  nationalId?: string;
  conversation: string;
  /** The client address, only where it identifies the user (see src/server.ts); otherwise absent. */
  client?: string;
}

/** What a pseudonym is of; part of the HMAC input, so the same value gives different refs per kind. */
export type RefKind = 'phone' | 'id' | 'conversation' | 'client';

/** Dependencies of {@link AbuseLimits}. */
export interface AbuseLimitsDeps {
  /** Shared by every instance, so limits hold across conversations, restarts and instances. */
  store: SharedStore;
  /** HMAC key of refs and store keys; every instance on one store must use the same (PRIVACY_SECRET). */
  secret: string;
  clock: Clock;
  /** Audit entries for register lookups and limit hits go here, pseudonymous only. */
  logger: Logger;
  /** Told the name of every limit that refused something (for metrics). */
  onHit?: (limit: LimitName) => void;
}

/** The outcome of {@link AbuseLimits.message}. */
export type MessageVerdict =
  | { allowed: true }
  /** `notify` is true for the first refused message of a window only: a flood gets one answer. */
  | { allowed: false; notify: boolean; refusal: LimitRefusal };

const MINUTE_MS = 60_000;
/**
 * The fixed message of every audit entry; its fields: `event` ('lookup' | 'limit-hit'), `limit`, and the
 * refs (`phoneRef`, `idRef`, `conversationRef`), pseudonyms only. The refs are 16 hex digits, which the
 * logger's value redaction keeps as they are.
 */
export const AUDIT = 'audit';
const windowMs = (w: LimitWindow) => w.windowMinutes * MINUTE_MS;

/**
 * Limits against abuse of the SMS codes and the register, over the shared store (see LIMIT_POLICY):
 * codes sent per phone, conversation and client; a wrong-code lock per phone and per ID number; distinct
 * ID numbers looked up per phone; messages per conversation. Unlike the per-attempt rules in
 * OneTimeCodes, which live in conversation state, none of these resets when the user starts again, opens
 * a new conversation or reaches another instance.
 *
 * Every store key is `limit:<name>:<HMAC>` of a pseudonym, and every write has a TTL of its window.
 */
export class AbuseLimits {
  constructor(private readonly deps: AbuseLimitsDeps) {}

  /**
   * The pseudonym of a phone number (E.164), ID number, conversation or client address: 16 hex digits
   * of an HMAC, the same on every instance sharing the secret. Used in store keys (HMACed again) and
   * audit entries, so an auditor can follow one number across entries without seeing it.
   */
  ref(kind: RefKind, value: string): string {
    return pseudonymize(`${kind}\u0000${value}`, this.deps.secret);
  }

  /** The pseudonym of a conversation (channel and conversation id), as every limit and audit entry uses it. */
  conversationRef(channelId: string | undefined, conversationId: string | undefined): string {
    return this.ref('conversation', `${channelId ?? ''}|${conversationId ?? ''}`);
  }

  /**
   * Before a code is sent (the first or a resend): refused while the phone or the ID number is locked
   * by wrong codes, or when a window of codes per phone, conversation or client is full. Allowed sends
   * are counted in every window.
   */
  async beforeCodeSend(who: CodeRequester): Promise<LimitRefusal | undefined> {
    const locked = await this.verificationLock(who);
    if (locked) return locked;
    const windows: Array<[LimitName, LimitWindow, string]> = [
      ['codes-per-conversation', LIMIT_POLICY.codesPerConversation, who.conversation],
      ...(who.client
        ? [['codes-per-client', LIMIT_POLICY.codesPerClient, who.client] as [LimitName, LimitWindow, string]]
        : []),
      ['codes-per-phone', LIMIT_POLICY.codesPerPhoneShort, who.phone],
      ['codes-per-phone', LIMIT_POLICY.codesPerPhoneDay, who.phone],
    ];
    const now = this.nowMs();
    const keyed = windows.map(([name, w, ref]) => ({ name, w, key: this.key(name, w, ref) }));
    // Look first, so a refused send uses up no other window (a flood from one conversation must not
    // use up the phone's codes for its owner); then count, each window atomically.
    const counts = await Promise.all(keyed.map((k) => this.deps.store.count(k.key, windowMs(k.w), now)));
    const full = keyed.filter((k, i) => counts[i] >= k.w.max);
    let refusal: LimitRefusal | undefined;
    for (const k of full.length ? full : keyed) {
      // Full windows refuse without recording (the longest wait is the one to tell). Otherwise each
      // window counts atomically and never beyond `max`: a concurrent sender that filled one meanwhile
      // is refused there, and the windows after it are left alone.
      const hit = await this.deps.store.hit(k.key, windowMs(k.w), k.w.max, now);
      if (!hit.allowed && (!refusal || hit.retryAfterMs > refusal.retryAfterMs)) {
        refusal = this.refusal(k.name, hit.retryAfterMs, now);
      }
      if (refusal && !full.length) break;
    }
    if (refusal) this.audit(refusal, { phoneRef: who.phone, idRef: who.nationalId });
    return refusal;
  }

  /**
   * Whether verification is paused for this phone or ID number: too many wrong codes for either within
   * the window. While it is, no code is sent and even the right code is refused.
   */
  async verificationLock(who: { phone: string; nationalId?: string }): Promise<LimitRefusal | undefined> {
    const w = LIMIT_POLICY.wrongCodes;
    const now = this.nowMs();
    const subjects: Array<[LimitName, string]> = [['wrong-codes-phone', who.phone]];
    if (who.nationalId) subjects.push(['wrong-codes-id', who.nationalId]);
    let refusal: LimitRefusal | undefined;
    for (const [name, ref] of subjects) {
      const key = this.key(name, w, ref);
      if ((await this.deps.store.count(key, windowMs(w), now)) < w.max) continue;
      // Full: this hit records nothing and tells when the oldest wrong code leaves the window. (Should
      // that one leave between the two calls, the hit records an event: stricter by one, never looser.)
      const hit = await this.deps.store.hit(key, windowMs(w), w.max, now);
      if (!hit.allowed && (!refusal || hit.retryAfterMs > refusal.retryAfterMs)) {
        refusal = this.refusal(name, hit.retryAfterMs, now);
      }
    }
    if (refusal) this.audit(refusal, { phoneRef: who.phone, idRef: who.nationalId });
    return refusal;
  }

  /**
   * Counts a wrong code against the phone and the ID number; returns the lock when this one completed
   * it (so the answer can say when to try again).
   */
  async wrongCode(who: { phone: string; nationalId?: string }): Promise<LimitRefusal | undefined> {
    const w = LIMIT_POLICY.wrongCodes;
    const now = this.nowMs();
    const refs: Array<[LimitName, string]> = [['wrong-codes-phone', who.phone]];
    if (who.nationalId) refs.push(['wrong-codes-id', who.nationalId]);
    // Recorded up to `max`; the lock is `count >= max` (verificationLock refuses before any more come).
    await Promise.all(
      refs.map(([name, ref]) => this.deps.store.hit(this.key(name, w, ref), windowMs(w), w.max, now)),
    );
    return this.verificationLock(who);
  }

  /**
   * Before the register is looked up with a verified phone: at most `idsPerPhone.max` distinct ID
   * numbers per phone within the window (the same number again is always allowed). The window restarts
   * with every lookup or attempt, so a sweep that keeps trying stays refused. Logs the lookup (audit).
   */
  async beforeLookup(who: { phone: string; nationalId: string }): Promise<LimitRefusal | undefined> {
    const w = LIMIT_POLICY.idsPerPhone;
    const now = this.nowMs();
    // The member is an HMAC of the ID number: the store never holds the number itself.
    const member = pseudonymousKey('limit:id', this.deps.secret, who.nationalId);
    const added = await this.deps.store.addToSet(
      this.key('ids-per-phone', w, who.phone),
      member,
      w.max,
      windowMs(w),
    );
    if (!added.allowed) {
      const refusal = this.refusal('ids-per-phone', windowMs(w), now);
      this.audit(refusal, { phoneRef: who.phone, idRef: who.nationalId });
      return refusal;
    }
    this.deps.logger.info({ event: 'lookup', phoneRef: who.phone, idRef: who.nationalId }, AUDIT);
    return undefined;
  }

  /**
   * One incoming message of a conversation. Past the limit the message is not to be read; `notify` is
   * true only for the first refused message of a window, so a flood gets one answer, not one each.
   */
  async message(conversation: string): Promise<MessageVerdict> {
    const w = LIMIT_POLICY.messagesPerConversation;
    const now = this.nowMs();
    const hit = await this.deps.store.hit(
      this.key('messages-per-conversation', w, conversation),
      windowMs(w),
      w.max,
      now,
    );
    if (hit.allowed) return { allowed: true };
    const refusal = this.refusal('messages-per-conversation', hit.retryAfterMs, now);
    const notify = await this.deps.store.setIfAbsent(
      pseudonymousKey('limit:messages-notice', this.deps.secret, conversation),
      '1',
      hit.retryAfterMs,
    );
    // One audit entry per window as well: a flood must not flood the log either.
    if (notify) this.audit(refusal, { conversationRef: conversation });
    return { allowed: false, notify, refusal };
  }

  private key(name: LimitName, w: LimitWindow, ref: string): string {
    // The window is part of the namespace: the phone's 15-minute and 24-hour counts are two keys.
    return pseudonymousKey(`limit:${name}:${w.windowMinutes}m`, this.deps.secret, ref);
  }

  private nowMs(): number {
    return this.deps.clock().getTime();
  }

  private refusal(limit: LimitName, retryAfterMs: number, nowMs: number): LimitRefusal {
    const wait = Math.max(1, Math.ceil(retryAfterMs));
    return { limit, retryAfterMs: wait, retryAt: new Date(nowMs + wait).toISOString() };
  }

  private audit(refusal: LimitRefusal, refs: Record<string, string | undefined>): void {
    const present = Object.fromEntries(Object.entries(refs).filter(([, v]) => v !== undefined));
    this.deps.logger.info(
      { event: 'limit-hit', limit: refusal.limit, retryAt: refusal.retryAt, ...present },
      AUDIT,
    );
    this.deps.onHit?.(refusal.limit);
  }
}
