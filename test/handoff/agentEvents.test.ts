/**
 * The shared poller behind the agent console's event streams, over a scripted hub with a short
 * interval: one read per interval whatever the number of watchers, changes only, per-watcher cursors,
 * the end of a closed handoff, a failing store, and no timer left once nobody watches.
 */
import { createServer, get, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { HandoffMessage, HandoffStatus, HandoffView, Hub } from '../../src/handoff/hub';
import { AgentStreams, EventStream, HubPoller, type QueueItem } from '../../src/handoff/agentEvents';
import { createLogger } from '../../src/logging';
import { logCapture } from '../support/harness';

const ID = '0123456789abcdef';

function view(id: string, status: HandoffStatus = 'waiting'): HandoffView {
  return {
    id,
    status,
    language: 'nb',
    channel: 'webchat',
    waitingSince: '2026-11-24T11:00:00.000Z',
    summary: { language: 'nb', channel: 'webchat', reason: 'asked', path: [], failures: {} },
  };
}

/** A hub whose state the test sets; counts every read. */
class ScriptedHub implements Pick<Hub, 'queue' | 'view' | 'messages'> {
  waiting: HandoffView[] = [];
  status: HandoffStatus = 'active';
  exists = true;
  log: HandoffMessage[] = [];
  failing = false;
  reads = { queue: 0, view: 0, messages: 0 };

  async queue(): Promise<HandoffView[]> {
    this.reads.queue += 1;
    if (this.failing) throw new Error('store down');
    return this.waiting;
  }
  async view(id: string): Promise<HandoffView | undefined> {
    this.reads.view += 1;
    if (this.failing) throw new Error('store down');
    return this.exists ? view(id, this.status) : undefined;
  }
  async messages(_id: string, after: number): Promise<HandoffMessage[] | undefined> {
    this.reads.messages += 1;
    return this.log.filter((m) => m.n > after);
  }
  say(from: HandoffMessage['from'], text: string): void {
    this.log.push({ n: this.log.length + 1, from, text, at: '2026-11-24T11:00:00.000Z' });
  }
}

const INTERVAL = 20;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Waits (a few intervals at most) until `done()` holds. */
async function until(done: () => boolean, ms = 1000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!done()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await sleep(5);
  }
}

let hub: ScriptedHub;
let poller: HubPoller;
const logs = logCapture();

beforeEach(() => {
  hub = new ScriptedHub();
  poller = new HubPoller({
    hub,
    logger: createLogger({ level: 'debug', destination: logs.destination }),
    intervalMs: INTERVAL,
  });
});
afterEach(() => poller.close());

describe('HubPoller', () => {
  it('gives every queue watcher the list at once, then only changes, from one read per interval', async () => {
    const a: QueueItem[][] = [];
    const b: QueueItem[][] = [];
    poller.watchQueue({ onQueue: (q) => a.push(q) });
    poller.watchQueue({ onQueue: (q) => b.push(q) });
    await until(() => a.length === 1 && b.length === 1);
    expect(a[0]).toEqual([]);

    const before = hub.reads.queue;
    await sleep(INTERVAL * 5);
    const polls = hub.reads.queue - before;
    // About one read per interval for both watchers together (timers are not exact: allow slack).
    expect(polls).toBeGreaterThanOrEqual(1);
    expect(polls).toBeLessThanOrEqual(7);
    expect(a).toHaveLength(1);

    hub.waiting = [view('aaaaaaaaaaaaaaaa')];
    await until(() => a.length === 2 && b.length === 2);
    expect(a[1].map((q) => q.id)).toEqual(['aaaaaaaaaaaaaaaa']);
    // The queue item carries the agent-visible fields only.
    expect(Object.keys(a[1][0]).sort()).toEqual(['channel', 'id', 'language', 'summary', 'waitingSince']);
  });

  it('a late queue watcher gets the current list at once, not only the next change', async () => {
    hub.waiting = [view('aaaaaaaaaaaaaaaa')];
    const first: QueueItem[][] = [];
    poller.watchQueue({ onQueue: (q) => first.push(q) });
    await until(() => first.length === 1);
    const late: QueueItem[][] = [];
    poller.watchQueue({ onQueue: (q) => late.push(q) });
    await until(() => late.length === 1);
    expect(late[0]).toHaveLength(1);
    expect(first).toHaveLength(1);
  });

  it('handoff watchers keep their own cursors over one shared read per interval', async () => {
    hub.say('user', 'one');
    hub.say('bot', 'two');
    const fromStart: number[] = [];
    const resumed: number[] = [];
    const statuses: string[] = [];
    const watcher = (into: number[]) => ({
      onMessages: (ms: HandoffMessage[]) => into.push(...ms.map((m) => m.n)),
      onStatus: (v: HandoffView) => statuses.push(v.status),
      onEnd: () => undefined,
    });
    poller.watchHandoff(ID, 0, watcher(fromStart));
    poller.watchHandoff(ID, 1, watcher(resumed));
    await until(() => fromStart.length === 2 && resumed.length === 1);
    expect(fromStart).toEqual([1, 2]);
    expect(resumed).toEqual([2]);
    expect(statuses).toEqual(['active', 'active']);

    hub.say('user', 'three');
    await until(() => fromStart.length === 3 && resumed.length === 2);
    expect(fromStart).toEqual([1, 2, 3]);
    expect(resumed).toEqual([2, 3]);
    await sleep(INTERVAL * 3);
    // Nothing new: nothing delivered again, status not repeated.
    expect(fromStart).toEqual([1, 2, 3]);
    expect(statuses).toEqual(['active', 'active']);
    // One view and one messages read per poll for both watchers.
    expect(hub.reads.messages).toBe(hub.reads.view);
  });

  it('a closed handoff: the status, then one more poll for a late note, then the end; the watcher is dropped', async () => {
    const got: string[] = [];
    const ended: string[] = [];
    poller.watchHandoff(ID, 0, {
      onMessages: (ms) => got.push(...ms.map((m) => m.text)),
      onStatus: (v) => got.push(`status:${v.status}`),
      onEnd: (reason) => ended.push(reason),
    });
    await until(() => got.includes('status:active'));
    hub.status = 'ended';
    await until(() => got.includes('status:ended'));
    // A note the hub writes just after closing still arrives before the end.
    hub.say('bot', 'the user went idle');
    await until(() => ended.length === 1);
    expect(got).toEqual(['status:active', 'status:ended', 'the user went idle']);
    expect(ended).toEqual(['closed']);
    expect(poller.watchers).toBe(0);
  });

  it('a handoff that no longer exists ends its watchers with "gone"', async () => {
    hub.exists = false;
    const ended: string[] = [];
    poller.watchHandoff(ID, 0, {
      onMessages: () => undefined,
      onStatus: () => undefined,
      onEnd: (r) => ended.push(r),
    });
    await until(() => ended.length === 1);
    expect(ended).toEqual(['gone']);
  });

  it('survives a failing store (logged once) and a throwing watcher, and carries on when the store is back', async () => {
    hub.failing = true;
    const got: QueueItem[][] = [];
    poller.watchQueue({
      onQueue: () => {
        throw new Error('socket closed');
      },
    });
    poller.watchQueue({ onQueue: (q) => got.push(q) });
    await sleep(INTERVAL * 5);
    expect(got).toHaveLength(0);
    expect(logs.lines.filter((l) => l.includes('the hub could not be read'))).toHaveLength(1);
    hub.failing = false;
    await until(() => got.length === 1);
    expect(logs.lines.some((l) => l.includes('the hub can be read again'))).toBe(true);
  });

  it('stops reading the hub once the last watcher leaves', async () => {
    const stop = poller.watchQueue({ onQueue: () => undefined });
    await until(() => hub.reads.queue > 1);
    stop();
    await poller.settled();
    const reads = hub.reads.queue;
    await sleep(INTERVAL * 4);
    expect(hub.reads.queue).toBe(reads);
    expect(poller.watchers).toBe(0);
  });
});

/** A loopback server whose every request is handed to `handle`; resolves with its URL and a closer. */
async function serve(
  handle: (res: ServerResponse) => void,
): Promise<{ url: string; close: () => Promise<void> }> {
  const server = createServer((_req, res) => handle(res));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** Opens a GET and collects the body text as it streams. */
function collect(url: string): Promise<{ res: IncomingMessage; text: () => string; done: Promise<void> }> {
  return new Promise((resolve, reject) => {
    get(url, (res) => {
      let body = '';
      const done = new Promise<void>((end) => res.on('end', end));
      res.on('data', (c: Buffer) => (body += c.toString('utf8')));
      resolve({ res, text: () => body, done });
    }).on('error', reject);
  });
}

describe('EventStream and AgentStreams', () => {
  it('sends SSE headers, events as single JSON lines, heartbeats on schedule, and ends cleanly', async () => {
    let stream: EventStream | undefined;
    const server = await serve((res) => {
      stream = new EventStream(res, 30);
      stream.send('message', { n: 1, text: 'two\nlines' }, 1);
    });
    try {
      const { res, text, done } = await collect(server.url);
      expect(res.headers['content-type']).toBe('text/event-stream; charset=utf-8');
      expect(res.headers['cache-control']).toBe('no-store');
      await until(() => (text().match(/: heartbeat/g) ?? []).length >= 2, 2000);
      expect(text()).toContain('event: message\nid: 1\ndata: {"n":1,"text":"two\\nlines"}\n\n');
      stream?.end();
      await done;
      expect(stream?.closed).toBe(true);
      // Nothing is written once ended (no write-after-end error).
      stream?.send('message', {});
    } finally {
      await server.close();
    }
  });

  it('refuses past the per-agent limit (429) and while draining (503), and counts closes', async () => {
    let draining = false;
    const ended: Array<() => void> = [];
    const streams = new AgentStreams({
      poller,
      logger: createLogger({ level: 'silent', destination: logs.destination }),
      maxPerAgent: 2,
      lifecycle: {
        holdOpen: (_res, end) => {
          if (draining) return false;
          ended.push(end);
          return true;
        },
      },
    });
    const refusals: Array<{ status: number } | undefined> = [];
    const server = await serve((res) => {
      const refused = streams.queue(res, 'Kari');
      refusals.push(refused);
      if (refused) {
        res.statusCode = refused.status;
        res.end(JSON.stringify({ error: refused.error }));
      }
    });
    try {
      const a = await collect(server.url);
      await collect(server.url);
      const third = await collect(server.url);
      expect(third.res.statusCode).toBe(429);
      expect(streams.count('Kari')).toBe(2);
      // The lifecycle's end closes a stream cleanly; its slot is freed.
      ended[0]();
      await a.done;
      await until(() => streams.count('Kari') === 1);
      draining = true;
      const late = await collect(server.url);
      expect(late.res.statusCode).toBe(503);
      expect(refusals.map((r) => r?.status)).toEqual([undefined, undefined, 429, 503]);
    } finally {
      await server.close();
    }
  });
});
