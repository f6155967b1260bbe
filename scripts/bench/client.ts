import { Agent, request } from 'node:http';

/**
 * A small keep-alive HTTP client for the load generator: one pooled Agent, JSON in and out, and the
 * Bot Framework activity shape the bot expects with deliveryMode "expectReplies" (the replies come back
 * in the response body, so no connector is ever called).
 */

export interface Reply {
  type?: string;
  text?: string;
}

export interface HttpResult {
  status: number;
  body: string;
}

export class BenchClient {
  private readonly agent: Agent;

  constructor(maxSockets: number) {
    // FIFO reuse keeps every pooled socket busy: with LIFO some idle past the server's keep-alive timeout
    // (5 s) and a request sent as the server closes one fails with "socket hang up".
    this.agent = new Agent({ keepAlive: true, maxSockets, maxFreeSockets: maxSockets, scheduling: 'fifo' });
  }

  /** One request on loopback; resolves with status and body (never rejects on an HTTP status). */
  send(port: number, method: 'GET' | 'POST', path: string, json?: unknown): Promise<HttpResult> {
    const body = json === undefined ? undefined : Buffer.from(JSON.stringify(json));
    return new Promise((resolve, reject) => {
      const req = request(
        {
          host: '127.0.0.1',
          port,
          method,
          path,
          agent: this.agent,
          headers: body ? { 'content-type': 'application/json', 'content-length': body.length } : {},
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () =>
            resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString() }),
          );
          res.on('error', reject);
        },
      );
      req.setTimeout(30_000, () => req.destroy(new Error('request timed out')));
      req.on('error', reject);
      req.end(body);
    });
  }

  close(): void {
    this.agent.destroy();
  }
}

let activityCounter = 0;

/** A user message in a conversation, as Web Chat would send it through the Bot Framework. */
export function messageActivity(
  conversationId: string,
  userId: string,
  text: string,
): Record<string, unknown> {
  activityCounter += 1;
  return {
    type: 'message',
    id: `bench-${activityCounter}`,
    text,
    locale: 'nb-NO',
    channelId: 'webchat',
    serviceUrl: 'http://127.0.0.1:9', // never called: expectReplies returns the replies in the body
    deliveryMode: 'expectReplies',
    from: { id: userId, role: 'user' },
    recipient: { id: 'bot', role: 'bot' },
    conversation: { id: conversationId },
  };
}

/** The message texts of an expectReplies body (empty when the body is not one). */
export function replyTexts(body: string): string[] {
  try {
    const parsed = JSON.parse(body) as { activities?: Reply[] };
    return (parsed.activities ?? []).filter((a) => a.type === 'message').map((a) => a.text ?? '');
  } catch {
    return [];
  }
}
