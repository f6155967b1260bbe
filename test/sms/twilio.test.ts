/**
 * Twilio by hand: the webhook signature against the `twilio` package's own signer and validator, and
 * the Messages API gateway against a loopback stub server (success, 5xx then success, timeout, 4xx).
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import twilio from 'twilio';
import { InvalidRecipientError } from '../../src/sms/gateway';
import { SmsSendError, TwilioSmsGateway, twilioSignature, verifyTwilioSignature } from '../../src/sms/twilio';
import { turnErrorKind } from '../../src/bot/errors';
import { OutgoingCallError } from '../../src/http/outgoing';

const TOKEN = '12345678901234567890123456789012';
const URL = 'https://bot.example.no/api/sms?tenant=a';

describe('the webhook signature', () => {
  const params = {
    From: '+4741234567',
    To: '+4759000000',
    Body: 'Hei «æøå» & <tag> + 100%',
    MessageSid: 'SM0123',
    AccountSid: 'AC0123',
  };

  it('is the one the twilio package computes, and its validator accepts ours', () => {
    const ours = twilioSignature(TOKEN, URL, params);
    expect(ours).toBe(twilio.getExpectedTwilioSignature(TOKEN, URL, params));
    expect(twilio.validateRequest(TOKEN, ours, URL, params)).toBe(true);
  });

  it('matches for repeated parameters and no parameters', () => {
    const repeated = { ...params, MediaUrl: ['https://b.example/2', 'https://a.example/1'] };
    expect(twilioSignature(TOKEN, URL, repeated)).toBe(
      twilio.getExpectedTwilioSignature(TOKEN, URL, repeated as unknown as Record<string, string>),
    );
    expect(twilioSignature(TOKEN, URL, {})).toBe(twilio.getExpectedTwilioSignature(TOKEN, URL, {}));
  });

  it('verifies the right signature and nothing else', () => {
    const good = twilio.getExpectedTwilioSignature(TOKEN, URL, params);
    expect(verifyTwilioSignature(TOKEN, URL, params, good)).toBe(true);
    expect(verifyTwilioSignature(TOKEN, URL, params, undefined)).toBe(false);
    expect(verifyTwilioSignature(TOKEN, URL, params, '')).toBe(false);
    expect(verifyTwilioSignature(TOKEN, URL, params, good.slice(0, -2))).toBe(false);
    expect(verifyTwilioSignature(TOKEN, URL, params, `${good}=`)).toBe(false);
    expect(verifyTwilioSignature(`${TOKEN}x`, URL, params, good)).toBe(false);
    expect(verifyTwilioSignature('', URL, params, good)).toBe(false);
    expect(verifyTwilioSignature(TOKEN, `${URL}&b=1`, params, good)).toBe(false);
    expect(verifyTwilioSignature(TOKEN, URL, { ...params, Body: 'Hei' }, good)).toBe(false);
    expect(verifyTwilioSignature(TOKEN, URL, { ...params, Extra: '' }, good)).toBe(false);
  });
});

interface Received {
  method?: string;
  url?: string;
  authorization?: string;
  contentType?: string;
  form: Record<string, string>;
}

type Behaviour = (res: ServerResponse) => void;

/** A loopback stand-in for api.twilio.com: answers each request with the next behaviour. */
async function twilioStub(behaviours: Behaviour[]) {
  const received: Received[] = [];
  const server: Server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      received.push({
        method: req.method,
        url: req.url,
        authorization: req.headers.authorization,
        contentType: req.headers['content-type'],
        form: Object.fromEntries(new URLSearchParams(Buffer.concat(chunks).toString('utf8'))),
      });
      const next = behaviours.shift() ?? created;
      next(res);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    base: `http://127.0.0.1:${port}`,
    received,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

const created: Behaviour = (res) => {
  res.writeHead(201, { 'content-type': 'application/json' });
  res.end(JSON.stringify({ sid: 'SM1', status: 'queued' }));
};
const status =
  (code: number): Behaviour =>
  (res) => {
    res.writeHead(code, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ code: 21211, message: "The 'To' number +4741234567 is not valid" }));
  };
const silent: Behaviour = () => undefined;

const SID = 'AC0123456789abcdef0123456789abcdef';

function gateway(base: string, timeoutMs = 1000) {
  return new TwilioSmsGateway({
    accountSid: SID,
    authToken: TOKEN,
    from: '+4759000000',
    apiBase: base,
    timeoutMs,
  });
}

describe('TwilioSmsGateway against a stub', () => {
  let stub: Awaited<ReturnType<typeof twilioStub>> | undefined;
  afterEach(async () => {
    await stub?.close();
    stub = undefined;
  });

  it('posts a form to the Messages resource with basic auth, the text folded to GSM-7', async () => {
    stub = await twilioStub([created]);
    await gateway(`${stub.base}/`).send('+4741234567', 'Koden din: 123456 – «gyldig» i 10 minutter…');
    expect(stub.received).toHaveLength(1);
    const [req] = stub.received;
    expect(req.method).toBe('POST');
    expect(req.url).toBe(`/2010-04-01/Accounts/${SID}/Messages.json`);
    expect(req.authorization).toBe(`Basic ${Buffer.from(`${SID}:${TOKEN}`).toString('base64')}`);
    expect(req.contentType).toBe('application/x-www-form-urlencoded');
    expect(req.form).toEqual({
      To: '+4741234567',
      From: '+4759000000',
      Body: 'Koden din: 123456 - "gyldig" i 10 minutter...',
    });
  });

  it('tries once more after a 5xx and succeeds', async () => {
    stub = await twilioStub([status(503), created]);
    await gateway(stub.base).send('+4741234567', 'hei');
    expect(stub.received).toHaveLength(2);
    expect(stub.received[1].form).toEqual(stub.received[0].form);
  });

  it('gives up after a second 5xx with a named error that carries no number or text', async () => {
    stub = await twilioStub([status(500), status(502)]);
    const error = await gateway(stub.base)
      .send('+4741234567', 'kode 123456')
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SmsSendError);
    expect(error).toMatchObject({ name: 'SmsSendError', failure: 'status', status: 502 });
    expect(String((error as Error).message)).not.toMatch(/4741234567|123456/);
    expect(stub.received).toHaveLength(2);
  });

  it('does not retry a 4xx (Twilio refused the message)', async () => {
    stub = await twilioStub([status(400), created]);
    await expect(gateway(stub.base).send('+4741234567', 'hei')).rejects.toMatchObject({
      name: 'SmsSendError',
      status: 400,
    });
    expect(stub.received).toHaveLength(1);
  });

  it('times out without a retry (the message may already be on its way)', async () => {
    stub = await twilioStub([silent, created]);
    const started = Date.now();
    await expect(gateway(stub.base, 300).send('+4741234567', 'hei')).rejects.toMatchObject({
      name: 'SmsSendError',
      failure: 'timeout',
    });
    expect(Date.now() - started).toBeLessThan(3000);
    expect(stub.received).toHaveLength(1);
  });

  it('fails as a network error when nothing listens', async () => {
    const closed = await twilioStub([]);
    await closed.close();
    await expect(gateway(closed.base).send('+4741234567', 'hei')).rejects.toMatchObject({
      name: 'SmsSendError',
      failure: 'network',
    });
  });

  it('refuses a recipient not in E.164 before calling anyone', async () => {
    stub = await twilioStub([created]);
    await expect(gateway(stub.base).send('41234567', 'hei')).rejects.toBeInstanceOf(InvalidRecipientError);
    expect(stub.received).toHaveLength(0);
  });
});

describe('a failed send in a turn', () => {
  it('is its own error kind, answered with sms.sendFailed', () => {
    expect(turnErrorKind(new SmsSendError('status', 500))).toBe('sms-failed');
    expect(turnErrorKind(new OutgoingCallError('sms', 'timeout'))).toBe('sms-failed');
    expect(turnErrorKind(new OutgoingCallError('minid', 'timeout'))).toBe('other');
  });
});
