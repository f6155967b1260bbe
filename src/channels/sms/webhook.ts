/**
 * SMS without Azure: a Twilio-compatible webhook (`POST /api/sms`). Twilio posts each incoming SMS as a
 * form (From, To, Body, signed with X-Twilio-Signature); the turn runs in-process through
 * {@link InternalChannels} and the replies go back in the HTTP answer as TwiML. Messages the bot sends
 * later on its own (handoff relay, idle notes) go out through the {@link SmsGateway}.
 *
 * The phone number is personal data: the conversation id and the user id are an HMAC of it, and the
 * number itself, needed only to send those later messages, is kept sealed (AES-GCM under the privacy
 * secret) for as long as the conversation's state lives.
 */
import { randomBytes } from 'node:crypto';
import { ActivityTypes, type Activity } from 'botbuilder';
import type { Request, Response, Server } from 'restify';
import type { Logger } from '../../logging';
import { BadRequestBodyError, SMS_FORM_LIMITS, readFormBody } from '../../http/body';
import { pseudonymize } from '../../privacy/redact';
import { mergeSms, smsText } from '../../bot/render';
import { setTurnClient } from '../../bot/turn';
import { seal, unseal } from '../../handoff/sealed';
import { pseudonymousKey } from '../../storage/keys';
import type { SharedStore } from '../../storage/shared';
import { E164_PATTERN, type SmsGateway } from '../../sms/gateway';
import { verifyTwilioSignature, type TwilioParams } from '../../sms/twilio';
import type { ChannelSink, InternalChannels } from '../internal';

/** The webhook's path; the signature covers PUBLIC_BASE_URL + this. */
export const SMS_WEBHOOK_PATH = '/api/sms';
/** The internal channel's name and conversation id prefix. */
export const SMS_CHANNEL = 'sms';
const SMS_PREFIX = 'sms-';
/** Twilio concatenates at most 1600 characters into one incoming SMS; anything longer is not an SMS. */
const MAX_BODY_CHARS = 1600;
const SEALED_PURPOSE = 'sms-number';
const NUMBER_NAMESPACE = 'sms:number';

/** Dependencies of {@link SmsWebhook}. */
export interface SmsWebhookDeps {
  channels: InternalChannels;
  /** Where messages outside a webhook answer go (the sandbox outbox or Twilio). */
  gateway: SmsGateway;
  /** Keeps the sealed numbers, so any instance can send a later message. */
  store: SharedStore;
  /** The privacy secret: HMAC of the number for ids and keys, and the key of the sealed number. */
  secret: string;
  /** Twilio's auth token: the webhook signature's key. */
  authToken: string;
  /** The public base URL Twilio calls (PUBLIC_BASE_URL), without a trailing slash. */
  publicBaseUrl: string;
  /** How long a sealed number is kept: the idle timeout, like the conversation's state. */
  ttlMs: number;
  logger: Logger;
  /** The per-client limits' pseudonym for a number (codes per client). */
  clientRef?: (phone: string) => string;
}

/** Escapes text for an XML element's content or attribute. */
export function xmlEscape(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** A TwiML answer with one `<Message>` per text (none: Twilio sends nothing). */
export function twiml(messages: readonly string[]): string {
  const body = messages.map((m) => `<Message>${xmlEscape(m)}</Message>`).join('');
  return `<?xml version="1.0" encoding="UTF-8"?><Response>${body}</Response>`;
}

/** One value of a form field; a repeated field (never sent by Twilio) counts as missing. */
function field(form: TwilioParams, name: string): string | undefined {
  const value = form[name];
  return typeof value === 'string' ? value : undefined;
}

/** The Twilio webhook and the `sms` internal channel behind it. */
export class SmsWebhook {
  private readonly serviceUrl: string;

  constructor(private readonly deps: SmsWebhookDeps) {
    this.serviceUrl = deps.channels.register(SMS_CHANNEL, SMS_PREFIX, this.sink());
  }

  /** The conversation (and user) id of a number: `sms-` and 16 hex digits of an HMAC, never the number. */
  conversationId(phone: string): string {
    return `${SMS_PREFIX}${pseudonymize(`sms-conversation\u0000${phone}`, this.deps.secret)}`;
  }

  /** Adds `POST /api/sms` to the server. */
  register(server: Server): void {
    server.post(SMS_WEBHOOK_PATH, async (req: Request, res: Response) => this.handle(req, res));
  }

  private async handle(req: Request, res: Response): Promise<void> {
    const answer = (status: number, messages: readonly string[] = []) => {
      res.writeHead(status, { 'content-type': 'text/xml; charset=utf-8', 'cache-control': 'no-store' });
      res.end(twiml(messages));
    };
    let form: TwilioParams;
    try {
      form = await readFormBody(req, SMS_FORM_LIMITS);
    } catch (err) {
      if (!(err instanceof BadRequestBodyError)) throw err;
      this.deps.logger.warn({ status: err.status, reason: err.message }, 'refused SMS webhook body');
      res.setHeader('connection', 'close');
      answer(err.status);
      return;
    }
    // Twilio signs the URL it called: our public base and the path with its query, exactly as sent.
    const url = `${this.deps.publicBaseUrl}${req.url ?? SMS_WEBHOOK_PATH}`;
    const signature = req.headers['x-twilio-signature'];
    if (
      !verifyTwilioSignature(
        this.deps.authToken,
        url,
        form,
        typeof signature === 'string' ? signature : undefined,
      )
    ) {
      this.deps.logger.warn('refused SMS webhook request: bad or missing signature');
      answer(403);
      return;
    }
    const from = field(form, 'From');
    const text = field(form, 'Body') ?? '';
    if (!from || !E164_PATTERN.test(from) || text.length > MAX_BODY_CHARS) {
      this.deps.logger.warn('refused SMS webhook request: From is not a phone number, or Body is too long');
      answer(400);
      return;
    }
    try {
      const conversationId = this.conversationId(from);
      await this.deps.store.set(
        this.numberKey(conversationId),
        seal(this.deps.secret, SEALED_PURPOSE, from),
        this.deps.ttlMs,
      );
      const replies = await this.deps.channels.runTurn(this.activity(conversationId, text), (context) => {
        if (this.deps.clientRef) setTurnClient(context, this.deps.clientRef(from));
      });
      const texts = (replies ?? []).filter((a) => a.type === ActivityTypes.Message).map(smsText);
      answer(200, mergeSms(texts));
    } catch (err) {
      // The bot's error handler has answered what it could; whatever still fails here is ours to log.
      this.deps.logger.error({ err }, 'SMS webhook turn failed');
      answer(200);
    }
  }

  private activity(conversationId: string, text: string): Partial<Activity> {
    return {
      type: ActivityTypes.Message,
      id: `sms-${randomBytes(12).toString('base64url')}`,
      timestamp: new Date(),
      channelId: SMS_CHANNEL,
      serviceUrl: this.serviceUrl,
      conversation: { id: conversationId, isGroup: false, conversationType: 'personal', name: '' },
      from: { id: conversationId, name: '' },
      recipient: { id: 'minid-bot', name: 'MinID' },
      text,
      // The replies come back with the turn and go into the TwiML answer.
      deliveryMode: 'expectReplies',
    };
  }

  private numberKey(conversationId: string): string {
    return pseudonymousKey(NUMBER_NAMESPACE, this.deps.secret, conversationId);
  }

  /** Messages outside a webhook answer: shaped like any SMS reply and sent to the sealed number. */
  private sink(): ChannelSink {
    return {
      deliver: async (conversationId, activity) => {
        const id = `sms-out-${randomBytes(8).toString('hex')}`;
        if (activity.type !== ActivityTypes.Message) return id;
        const sealed = await this.deps.store.get(this.numberKey(conversationId));
        const to = sealed ? unseal(this.deps.secret, SEALED_PURPOSE, sealed) : undefined;
        // Past the idle timeout the number is gone with the conversation: nobody to send to.
        if (!to) throw new Error('no number kept for this SMS conversation');
        for (const text of mergeSms([smsText(activity)])) await this.deps.gateway.send(to, text);
        return id;
      },
    };
  }
}
