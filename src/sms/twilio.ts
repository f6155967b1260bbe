import { createHmac, timingSafeEqual } from 'node:crypto';
import { toGsm7 } from '../bot/render';
import { E164_PATTERN, InvalidRecipientError, type SmsGateway } from './gateway';

/**
 * Twilio, by hand: the request signature it puts on webhooks, and its Messages REST API as an
 * {@link SmsGateway}. Both are a few lines of `node:crypto` and `fetch`; the `twilio` package (a
 * devDependency) only cross-checks them in tests.
 */

/** Form parameters of a webhook request; a repeated key holds all its values. */
export type TwilioParams = Record<string, string | readonly string[]>;

/**
 * The signature Twilio computes for a request: HMAC-SHA1 under the account's auth token of the full
 * URL Twilio called (scheme, host, path and query) followed by every POST parameter, sorted by name,
 * as name then value, base64-encoded.
 */
export function twilioSignature(authToken: string, url: string, params: TwilioParams): string {
  let data = url;
  for (const key of Object.keys(params).sort()) {
    const value = params[key];
    for (const v of typeof value === 'string' ? [value] : [...new Set(value)].sort()) data += key + v;
  }
  return createHmac('sha1', authToken).update(data, 'utf8').digest('base64');
}

/** True when `signature` (the X-Twilio-Signature header) is Twilio's for this request; timing-safe. */
export function verifyTwilioSignature(
  authToken: string,
  url: string,
  params: TwilioParams,
  signature: string | undefined,
): boolean {
  if (!authToken || typeof signature !== 'string' || signature.length === 0) return false;
  const expected = Buffer.from(twilioSignature(authToken, url, params), 'utf8');
  const given = Buffer.from(signature, 'utf8');
  return given.length === expected.length && timingSafeEqual(given, expected);
}

/**
 * An SMS could not be sent. The message names the kind of failure and Twilio's status only: never the
 * recipient or the text (a one-time code). The turn error handler answers it with `sms.sendFailed`.
 */
export class SmsSendError extends Error {
  constructor(
    readonly failure: 'timeout' | 'network' | 'status',
    readonly status?: number,
  ) {
    super(`SMS could not be sent: ${failure}${status ? ` (HTTP ${status})` : ''}`);
    this.name = 'SmsSendError';
  }
}

/** Settings of {@link TwilioSmsGateway}. */
export interface TwilioGatewayOptions {
  accountSid: string;
  authToken: string;
  /** The sender: a Twilio number in E.164 or an alphanumeric sender id. */
  from: string;
  /** `https://api.twilio.com`, or a loopback stub in tests. */
  apiBase: string;
  /** Deadline of one HTTP attempt. */
  timeoutMs: number;
  fetch?: typeof fetch;
}

/**
 * Sends SMS through Twilio's Messages API (`POST /2010-04-01/Accounts/{sid}/Messages.json`, basic auth,
 * form body To/From/Body). A 5xx is tried once more (Twilio did not take the message); a timeout or a
 * network error is not, since the message may be on its way and a second code would confuse. Any
 * failure is a {@link SmsSendError}. Texts are folded to GSM-7 first, so none goes out as UCS-2.
 */
export class TwilioSmsGateway implements SmsGateway {
  private readonly fetchImpl: typeof fetch;
  private readonly url: string;
  private readonly authorization: string;

  constructor(private readonly options: TwilioGatewayOptions) {
    this.fetchImpl = options.fetch ?? fetch;
    const base = options.apiBase.replace(/\/+$/, '');
    this.url = `${base}/2010-04-01/Accounts/${encodeURIComponent(options.accountSid)}/Messages.json`;
    const credentials = Buffer.from(`${options.accountSid}:${options.authToken}`).toString('base64');
    this.authorization = `Basic ${credentials}`;
  }

  /** @throws InvalidRecipientError when `to` is not E.164; SmsSendError when Twilio did not take it. */
  async send(to: string, text: string): Promise<void> {
    if (!E164_PATTERN.test(to)) throw new InvalidRecipientError();
    const body = new URLSearchParams({ To: to, From: this.options.from, Body: toGsm7(text) }).toString();
    for (let attempt = 1; ; attempt++) {
      const status = await this.post(body);
      if (status >= 200 && status < 300) return;
      if (status >= 500 && attempt === 1) continue;
      throw new SmsSendError('status', status);
    }
  }

  private async post(body: string): Promise<number> {
    let res: Response;
    try {
      res = await this.fetchImpl(this.url, {
        method: 'POST',
        headers: {
          authorization: this.authorization,
          'content-type': 'application/x-www-form-urlencoded',
          accept: 'application/json',
        },
        body,
        redirect: 'manual',
        signal: AbortSignal.timeout(this.options.timeoutMs),
      });
    } catch (err) {
      const name = (err as { name?: unknown } | null)?.name;
      throw new SmsSendError(name === 'TimeoutError' || name === 'AbortError' ? 'timeout' : 'network');
    }
    // The body (the message resource, or an error with the number in it) is read and dropped.
    await res.arrayBuffer().catch(() => undefined);
    return res.status;
  }
}
