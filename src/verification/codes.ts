import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { CODE_POLICY } from '../rules';

/**
 * The state of one SMS verification attempt.
 *
 * It lives in conversation state (later Redis), so it is a small plain JSON object, and it holds only a
 * salted HMAC of the code: whoever reads the state cannot recover the code without the server secret.
 */
export interface CodeChallenge {
  /** HMAC-SHA256(secret, salt + code), hex. */
  hash: string;
  /** Random per code, hex. */
  salt: string;
  /** When the attempt began (first code), ISO 8601 UTC. */
  issuedAt: string;
  /** When the current code stops being accepted, ISO 8601 UTC. */
  expiresAt: string;
  /** When the current code was sent; the resend pause counts from here. */
  lastSentAt: string;
  /** Wrong codes typed in this attempt, across resends. */
  wrongTries: number;
  /** New codes sent after the first. */
  resends: number;
}

/** The outcome of {@link OneTimeCodes.verify}. */
export type VerifyResult = 'ok' | 'wrong' | 'expired' | 'locked' | 'malformed';

/** The outcome of {@link OneTimeCodes.resend}. */
export type ResendResult =
  | { ok: true; code: string; challenge: CodeChallenge }
  | { ok: false; reason: 'too-soon'; retryInSeconds: number }
  | { ok: false; reason: 'limit' };

/** Dependencies of {@link OneTimeCodes}. */
export interface OneTimeCodesDeps {
  /** The clock; injected so tests (and nothing else) control time. */
  now: () => Date;
  /** HMAC key, at least 16 bytes; keep it out of conversation state. */
  secret: Buffer | string;
  /** Source of random bytes; defaults to `crypto.randomBytes` (a CSPRNG). */
  random?: (bytes: number) => Buffer;
}

const MIN_SECRET_BYTES = 16;
const SALT_BYTES = 16;
/** The largest multiple of 10 a byte can hold; bytes from here up are rejected so every digit is equally likely. */
const BYTE_LIMIT = 250;
/** A fair source rejects a byte with p = 6/256; hitting this many in a row means the source is broken. */
const MAX_RANDOM_BYTES_PER_CODE = 1024;
const HASH_HEX_LENGTH = 64;
const CODE_PATTERN = new RegExp(`^\\d{${CODE_POLICY.length}}$`);

/**
 * Issues and checks SMS one-time codes under {@link CODE_POLICY}.
 *
 * Decisions:
 * - A code is valid for `validMinutes` from when it was sent, up to but not including that instant.
 * - Input is trimmed and its spaces removed; anything that is then not exactly `length` digits is
 *   `malformed` and does NOT count as a wrong try: it is a slip of format, not a guess, and cannot match.
 * - After `maxWrongTries` wrong codes the attempt is over: that last answer is `wrong` with
 *   `triesLeft: 0`, and every later one `locked`, even the right code.
 * - A resend gives a new code and a new expiry but keeps `wrongTries`; otherwise each resend would buy a
 *   fresh set of guesses. A locked attempt cannot resend (`limit`): a new code could never be accepted.
 * - After `ok` the caller discards the challenge; it carries no "used" flag, so it would verify again.
 */
export class OneTimeCodes {
  private readonly now: () => Date;
  private readonly secret: Buffer;
  private readonly random: (bytes: number) => Buffer;

  /** @throws RangeError if the secret is shorter than 16 bytes. */
  constructor(deps: OneTimeCodesDeps) {
    const secret =
      typeof deps.secret === 'string' ? Buffer.from(deps.secret, 'utf8') : Buffer.from(deps.secret);
    if (secret.length < MIN_SECRET_BYTES) {
      throw new RangeError(`The one-time code secret must be at least ${MIN_SECRET_BYTES} bytes`);
    }
    this.now = deps.now;
    this.secret = secret;
    this.random = deps.random ?? randomBytes;
  }

  /** Starts an attempt: a new code to send by SMS, and the state to keep (without the code). */
  issue(): { code: string; challenge: CodeChallenge } {
    const now = this.now();
    const { code, hash, salt } = this.newCode();
    return {
      code,
      challenge: {
        hash,
        salt,
        issuedAt: now.toISOString(),
        expiresAt: expiryFrom(now),
        lastSentAt: now.toISOString(),
        wrongTries: 0,
        resends: 0,
      },
    };
  }

  /**
   * Checks a typed code. The returned challenge replaces the one passed in (the input is not changed).
   * `triesLeft` is the number of wrong codes still allowed; 0 means the attempt is over.
   */
  verify(
    challenge: CodeChallenge,
    input: string,
  ): { result: VerifyResult; challenge: CodeChallenge; triesLeft: number } {
    const state = { ...challenge };
    const triesLeft = Math.max(0, CODE_POLICY.maxWrongTries - state.wrongTries);
    if (triesLeft === 0) {
      return { result: 'locked', challenge: state, triesLeft };
    }
    const expiresAt = Date.parse(state.expiresAt);
    // A state with an unreadable expiry fails closed rather than never expiring (NaN compares false).
    if (Number.isNaN(expiresAt) || this.now().getTime() >= expiresAt) {
      return { result: 'expired', challenge: state, triesLeft };
    }
    const typed = input.trim().replace(/\s+/g, '');
    if (!CODE_PATTERN.test(typed)) {
      return { result: 'malformed', challenge: state, triesLeft };
    }
    if (this.matches(state, typed)) {
      return { result: 'ok', challenge: state, triesLeft };
    }
    state.wrongTries += 1;
    return { result: 'wrong', challenge: state, triesLeft: triesLeft - 1 };
  }

  /**
   * Sends a new code within the same attempt, if the pause has passed and the limit allows.
   * `retryInSeconds` is rounded up, so waiting that long is always enough.
   */
  resend(challenge: CodeChallenge): ResendResult {
    if (challenge.resends >= CODE_POLICY.maxResends || challenge.wrongTries >= CODE_POLICY.maxWrongTries) {
      return { ok: false, reason: 'limit' };
    }
    const now = this.now();
    const pauseMs = CODE_POLICY.resendPauseSeconds * 1000;
    const lastSentAt = Date.parse(challenge.lastSentAt);
    // Unreadable state, or a clock that moved backwards, waits a full pause rather than skipping it.
    const elapsedMs = Number.isNaN(lastSentAt) ? 0 : Math.max(0, now.getTime() - lastSentAt);
    if (elapsedMs < pauseMs) {
      return { ok: false, reason: 'too-soon', retryInSeconds: Math.ceil((pauseMs - elapsedMs) / 1000) };
    }
    const { code, hash, salt } = this.newCode();
    return {
      ok: true,
      code,
      challenge: {
        ...challenge,
        hash,
        salt,
        expiresAt: expiryFrom(now),
        lastSentAt: now.toISOString(),
        resends: challenge.resends + 1,
      },
    };
  }

  private newCode(): { code: string; hash: string; salt: string } {
    const code = this.randomDigits(CODE_POLICY.length);
    const salt = this.random(SALT_BYTES).toString('hex');
    return { code, salt, hash: this.hmac(salt, code) };
  }

  /** Rejection sampling per digit: `byte % 10` alone would favour 0-5 (256 is not a multiple of 10). */
  private randomDigits(length: number): string {
    let digits = '';
    let drawn = 0;
    while (digits.length < length) {
      if (drawn >= MAX_RANDOM_BYTES_PER_CODE) {
        throw new Error('The random source keeps returning unusable bytes');
      }
      const batch = this.random(length - digits.length + 2);
      drawn += batch.length;
      for (const byte of batch) {
        if (byte < BYTE_LIMIT && digits.length < length) {
          digits += String(byte % 10);
        }
      }
    }
    return digits;
  }

  private hmac(salt: string, code: string): string {
    return createHmac('sha256', this.secret)
      .update(salt + code, 'utf8')
      .digest('hex');
  }

  private matches(challenge: CodeChallenge, typed: string): boolean {
    const expected = Buffer.from(this.hmac(challenge.salt, typed), 'hex');
    // A damaged stored hash has the wrong length; timingSafeEqual would throw, so it simply fails to match.
    const stored = /^[0-9a-f]+$/i.test(challenge.hash) ? Buffer.from(challenge.hash, 'hex') : Buffer.alloc(0);
    if (challenge.hash.length !== HASH_HEX_LENGTH || stored.length !== expected.length) {
      return false;
    }
    return timingSafeEqual(expected, stored);
  }
}

function expiryFrom(sentAt: Date): string {
  return new Date(sentAt.getTime() + CODE_POLICY.validMinutes * 60_000).toISOString();
}
