import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

/**
 * Direct Line tokens of our web chat: `dl1.<base64url payload>.<base64url HMAC-SHA256>`, the payload
 * naming one conversation and an expiry. Stateless, so any instance sharing PRIVACY_SECRET verifies a
 * token another issued; the conversation id inside is random (128 bits), so a token is the only way in.
 */

const PREFIX = 'dl1';

/** Why a token was refused; the route answers 401 for `missing`, 403 for the rest. */
export type TokenProblem = 'missing' | 'malformed' | 'bad-signature' | 'expired' | 'wrong-conversation';

/** A refused token; `message` is fixed text, safe to send to the client. */
export class TokenRejectedError extends Error {
  constructor(readonly problem: TokenProblem) {
    super(TOKEN_MESSAGES[problem]);
    this.name = 'TokenRejectedError';
  }

  get status(): 401 | 403 {
    return this.problem === 'missing' ? 401 : 403;
  }
}

const TOKEN_MESSAGES: Record<TokenProblem, string> = {
  missing: 'a Direct Line token is required (Authorization: Bearer <token>)',
  malformed: 'the token is not valid',
  'bad-signature': 'the token is not valid',
  expired: 'the token has expired; start a new conversation',
  'wrong-conversation': 'the token is not valid for this conversation',
};

/** What a valid token says. */
export interface TokenClaims {
  conversationId: string;
  /** Expiry, milliseconds since the epoch. */
  expiresAt: number;
}

/** Issues and verifies tokens under one secret. */
export class DirectLineTokens {
  private readonly key: Buffer;

  constructor(
    secret: string,
    private readonly lifetimeMs: number,
    private readonly now: () => number,
  ) {
    if (!secret) throw new Error('a secret is required to sign Direct Line tokens');
    // Derived, so the signing key differs from every other use of the privacy secret.
    this.key = createHmac('sha256', secret).update('webchat-directline-token').digest();
  }

  /** Lifetime in seconds, as Direct Line's `expires_in`. */
  get expiresInSeconds(): number {
    return Math.floor(this.lifetimeMs / 1000);
  }

  /** A fresh token for `conversationId`, valid for the configured lifetime from now. */
  issue(conversationId: string): string {
    const payload = Buffer.from(
      // n: every token differs, also two issued in the same millisecond (a refresh is a new token).
      JSON.stringify({
        c: conversationId,
        e: this.now() + this.lifetimeMs,
        n: randomBytes(6).toString('base64url'),
      }),
      'utf8',
    ).toString('base64url');
    return `${PREFIX}.${payload}.${this.sign(payload)}`;
  }

  /**
   * Verifies an `Authorization` header value (or a bare token) and, when `conversationId` is given,
   * that the token is for it. Throws {@link TokenRejectedError}.
   */
  verify(authorization: string | undefined, conversationId?: string): TokenClaims {
    const token = /^Bearer\s+(\S+)$/i.exec(authorization?.trim() ?? '')?.[1];
    if (!token) throw new TokenRejectedError('missing');
    const parts = token.split('.');
    if (parts.length !== 3 || parts[0] !== PREFIX || token.length > 1024) {
      throw new TokenRejectedError('malformed');
    }
    const [, payload, signature] = parts;
    const expected = Buffer.from(this.sign(payload), 'base64url');
    const given = Buffer.from(signature, 'base64url');
    // Constant time over equal lengths; a length mismatch says nothing about the key.
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
      throw new TokenRejectedError('bad-signature');
    }
    let claims: TokenClaims;
    try {
      const data = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as {
        c?: unknown;
        e?: unknown;
      };
      if (typeof data.c !== 'string' || typeof data.e !== 'number') throw new Error('shape');
      claims = { conversationId: data.c, expiresAt: data.e };
    } catch {
      throw new TokenRejectedError('malformed');
    }
    if (claims.expiresAt <= this.now()) throw new TokenRejectedError('expired');
    if (conversationId !== undefined && claims.conversationId !== conversationId) {
      throw new TokenRejectedError('wrong-conversation');
    }
    return claims;
  }

  private sign(payload: string): string {
    return createHmac('sha256', this.key).update(`${PREFIX}.${payload}`).digest('base64url');
  }
}
