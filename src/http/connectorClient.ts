import type { ConfigurationBotFrameworkAuthentication } from 'botbuilder';
import { OutgoingCallError, RetryableError, callWithPolicy, type OutgoingPolicy } from './outgoing';
import { UnknownInternalRouteError, type InternalChannels } from '../channels/internal';

/**
 * The HTTP client botbuilder's connector uses to post replies to the channel's serviceUrl, given to
 * CloudAdapter through ConfigurationBotFrameworkAuthentication's connector client options.
 *
 * botbuilder's own client (@azure/core-rest-pipeline) has no timeout by default, retries 3 times with
 * pauses of up to 64 s, and honours any Retry-After a 429/503 carries, so a silent or hostile serviceUrl
 * could hold a turn, and its conversation's turn lock, indefinitely. This client makes each post one
 * bounded call (see {@link callWithPolicy}) and never hands the pipeline a response it would retry or a
 * redirect it would follow, so the pipeline's own retries and redirects never start.
 */

// The connector's client types, read from botbuilder's own signature rather than its transitive packages.
type ConnectorClientOptions = NonNullable<
  ConstructorParameters<typeof ConfigurationBotFrameworkAuthentication>[4]
>;
export type ConnectorHttpClient = NonNullable<ConnectorClientOptions['httpClient']>;
type WebResourceLike = Parameters<ConnectorHttpClient['sendRequest']>[0];
type CompatResponse = Awaited<ReturnType<ConnectorHttpClient['sendRequest']>>;
type HttpHeadersLike = CompatResponse['headers'];
type RawHttpHeaders = ReturnType<HttpHeadersLike['rawHeaders']>;

/** A reply post's answer is a small `{ id }`; anything much larger is not a connector talking. */
const MAX_RESPONSE_BYTES = 1024 * 1024;

/** The statuses botbuilder's pipeline would retry (408, 429, 5xx but 501/505); we retry them ourselves. */
function isRetryableStatus(status: number): boolean {
  return status === 408 || status === 429 || (status >= 500 && status !== 501 && status !== 505);
}

/** Retry-After in ms (seconds or an HTTP date); undefined when absent or unreadable. */
function retryAfterMs(headers: Headers): number | undefined {
  const value = headers.get('retry-after');
  if (!value) return undefined;
  if (/^\d+$/.test(value.trim())) return Number(value.trim()) * 1000;
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, date - Date.now());
}

/** The header set of a response, in the shape the connector's compatibility layer reads. */
class CompatHeaders implements HttpHeadersLike {
  private readonly map = new Map<string, { name: string; value: string }>();

  constructor(raw: RawHttpHeaders = {}) {
    for (const [name, value] of Object.entries(raw)) this.set(name, value);
  }

  set(name: string, value: string | number): void {
    this.map.set(name.toLowerCase(), { name, value: String(value) });
  }
  get(name: string): string | undefined {
    return this.map.get(name.toLowerCase())?.value;
  }
  contains(name: string): boolean {
    return this.map.has(name.toLowerCase());
  }
  remove(name: string): boolean {
    return this.map.delete(name.toLowerCase());
  }
  rawHeaders(): RawHttpHeaders {
    return this.toJson();
  }
  headersArray() {
    return [...this.map.values()].map((h) => ({ ...h }));
  }
  headerNames(): string[] {
    return [...this.map.values()].map((h) => h.name);
  }
  headerValues(): string[] {
    return [...this.map.values()].map((h) => h.value);
  }
  clone(): HttpHeadersLike {
    return new CompatHeaders(this.toJson({ preserveCase: true }));
  }
  toJson(options: { preserveCase?: boolean } = {}): RawHttpHeaders {
    const out: RawHttpHeaders = {};
    for (const [key, h] of this.map) out[options.preserveCase ? h.name : key] = h.value;
    return out;
  }
}

/** Reads a body up to `limit` bytes; a larger one is refused without being read further. */
async function readCapped(res: Response, limit: number): Promise<string> {
  if (!res.body) return '';
  const chunks: Uint8Array[] = [];
  let size = 0;
  for await (const chunk of res.body) {
    size += (chunk as Uint8Array).byteLength;
    if (size > limit) throw new OutgoingCallError('channel', 'too-large', res.status);
    chunks.push(chunk as Uint8Array);
  }
  return Buffer.concat(chunks).toString('utf8');
}

function requestBody(body: WebResourceLike['body']): string | Uint8Array | undefined {
  if (body === undefined || body === null) return undefined;
  if (typeof body === 'string' || body instanceof Uint8Array) return body;
  // The connector posts serialised JSON; streams and forms (attachment uploads) are not used by this bot.
  throw new Error('unsupported request body for the channel client');
}

async function attempt(request: WebResourceLike, signal: AbortSignal, fetchImpl: typeof fetch) {
  const headers = request.headers.toJson({ preserveCase: true });
  // fetch sets these itself (and decompresses on its own).
  for (const name of Object.keys(headers)) {
    if (/^(content-length|accept-encoding|connection|host)$/i.test(name)) delete headers[name];
  }
  let res: Response;
  try {
    res = await fetchImpl(request.url, {
      method: request.method,
      headers,
      body: requestBody(request.body),
      signal,
      redirect: 'manual',
    });
  } catch (err) {
    if (signal.aborted) throw err;
    // Refused, reset, DNS: nothing was answered, so another attempt is safe.
    throw new RetryableError(new OutgoingCallError('channel', 'network'));
  }
  if (res.status >= 300 && res.status < 400) {
    await res.body?.cancel().catch(() => undefined);
    // A serviceUrl that redirects a post elsewhere is not followed.
    throw new OutgoingCallError('channel', 'redirect', res.status);
  }
  let text: string;
  try {
    text = await readCapped(res, MAX_RESPONSE_BYTES);
  } catch (err) {
    if (err instanceof OutgoingCallError || signal.aborted) throw err;
    throw new RetryableError(new OutgoingCallError('channel', 'network', res.status));
  }
  if (isRetryableStatus(res.status)) {
    throw new RetryableError(
      new OutgoingCallError('channel', 'status', res.status),
      retryAfterMs(res.headers),
    );
  }
  const responseHeaders = new CompatHeaders();
  res.headers.forEach((value, name) => {
    if (!/^(content-encoding|content-length|transfer-encoding)$/i.test(name))
      responseHeaders.set(name, value);
  });
  const response: CompatResponse = {
    request,
    status: res.status,
    headers: responseHeaders,
    bodyAsText: text,
  };
  return response;
}

/**
 * A post to one of our own channels (web chat, SMS): handed to its sink in-process under the same
 * deadline, answered as the Bot Connector would (`200 { id }`).
 */
async function deliverInternally(
  request: WebResourceLike,
  channels: Pick<InternalChannels, 'route'>,
  policy: OutgoingPolicy,
): Promise<CompatResponse> {
  let route;
  try {
    route = channels.route(request.method, request.url);
  } catch (err) {
    if (err instanceof UnknownInternalRouteError) throw new OutgoingCallError('channel', 'status', 404);
    throw err;
  }
  if (!route) throw new Error('not an internal channel request');
  const body = request.body;
  const activity: unknown = typeof body === 'string' ? JSON.parse(body) : undefined;
  if (!activity || typeof activity !== 'object') throw new OutgoingCallError('channel', 'status', 400);
  const { sink, conversationId } = route;
  // No retries: a sink is in-process; a failed one failed for good.
  const id = await callWithPolicy('channel', { ...policy, retries: 0 }, () =>
    sink.deliver(conversationId, activity),
  );
  const headers = new CompatHeaders({ 'content-type': 'application/json' });
  return { request, status: 200, headers, bodyAsText: JSON.stringify({ id }) };
}

/**
 * The connector's HTTP client under `policy`: a deadline for the whole post including retries, at most
 * `policy.retries` retries on network errors, 408/429/5xx (Retry-After honoured only within the budget),
 * no redirects, a capped response body. Failures are {@link OutgoingCallError}s with target `channel`.
 * Posts to an internal channel's serviceUrl (`channels`) never leave the process.
 */
export function createConnectorHttpClient(
  policy: OutgoingPolicy,
  fetchImpl: typeof fetch = fetch,
  channels?: Pick<InternalChannels, 'route' | 'owns'>,
): ConnectorHttpClient {
  return {
    sendRequest: (request) => {
      if (channels?.owns(request.url)) return deliverInternally(request, channels, policy);
      const upstream = request.abortSignal instanceof AbortSignal ? request.abortSignal : undefined;
      return callWithPolicy('channel', policy, (signal) => attempt(request, signal, fetchImpl), upstream);
    },
  };
}
