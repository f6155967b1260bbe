import { createCipheriv, createDecipheriv, createHmac, randomBytes } from 'node:crypto';

/**
 * AES-256-GCM for values kept in the shared store that may hold channel identifiers: a conversation
 * reference's user and conversation ids are a phone number on SMS channels. The key is derived from the
 * privacy secret, so every instance sharing the store can open what another sealed.
 */
function key(secret: string, purpose: string): Buffer {
  return createHmac('sha256', secret).update(`sealed:${purpose}`).digest();
}

/** Encrypts `plaintext`; the result is `iv.tag.ciphertext` in base64url. */
export function seal(secret: string, purpose: string, plaintext: string): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', key(secret, purpose), iv);
  const body = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
  return [iv, cipher.getAuthTag(), body].map((b) => b.toString('base64url')).join('.');
}

/** Decrypts what {@link seal} made; undefined when it was tampered with or sealed under another secret. */
export function unseal(secret: string, purpose: string, sealed: string): string | undefined {
  const [iv, tag, body] = sealed.split('.').map((p) => Buffer.from(p, 'base64url'));
  if (!iv || !tag || !body || iv.length !== 12 || tag.length !== 16) return undefined;
  try {
    const decipher = createDecipheriv('aes-256-gcm', key(secret, purpose), iv);
    decipher.setAuthTag(tag);
    return Buffer.concat([decipher.update(body), decipher.final()]).toString('utf8');
  } catch {
    return undefined;
  }
}
