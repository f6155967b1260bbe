/**
 * Live updates for the agent console: one shared poller per process reads the hub (whose state is in the
 * shared store, so a change made through any instance is seen) and feeds every open server-sent event
 * stream, so a hundred open consoles cost one queue read per interval, not a hundred.
 *
 * The console reads the streams with fetch() (not EventSource, which cannot send the Authorization
 * header), so the bearer token never goes into a URL.
 */
import type { ServerResponse } from 'node:http';
import type { Logger } from '../logging';
import type { HandoffMessage, HandoffStatus, HandoffView, Hub } from './hub';
import type { HandoffSummary } from './summary';

/** A waiting handoff as GET /api/agent/queue and the queue stream show it. */
export interface QueueItem {
  id: string;
  language: HandoffView['language'];
  channel: string;
  waitingSince: string;
  summary: HandoffSummary;
}

/** The queue entry of a view: the fields an agent may see before accepting, nothing else. */
export function queueItem({ id, language, channel, waitingSince, summary }: HandoffView): QueueItem {
  return { id, language, channel, waitingSince, summary };
}

const CLOSED: readonly HandoffStatus[] = ['ended', 'cancelled', 'expired'];

/** Told of changes to the waiting list. */
export interface QueueWatcher {
  /** The whole waiting list, each time it differs from what this watcher was last given. */
  onQueue(items: QueueItem[]): void;
}

/** Told of one handoff's new messages and status changes. */
export interface HandoffWatcher {
  /** New messages, numbered after the last ones given (or after the `after` it started from). */
  onMessages(messages: HandoffMessage[]): void;
  /** The status, each time it differs from the last one given. */
  onStatus(view: HandoffView): void;
  /**
   * Nothing more will come: the handoff closed (given one more poll so a note written just after the
   * close still arrives) or no longer exists. The watcher is already removed.
   */
  onEnd(reason: 'closed' | 'gone'): void;
}

interface QueueSub {
  watcher: QueueWatcher;
  seen?: string;
}

interface HandoffSub {
  watcher: HandoffWatcher;
  after: number;
  status?: HandoffStatus;
  closedPolls: number;
}

export interface HubPollerDeps {
  hub: Pick<Hub, 'queue' | 'view' | 'messages'>;
  logger: Logger;
  /** How often the hub is read while anyone watches. Default 1000 ms. */
  intervalMs?: number;
}

/**
 * The one poller of a process. It runs only while someone watches, reads the queue once per interval
 * for all queue watchers and each watched handoff once per interval for all its watchers, and never
 * overlaps itself (a slow store delays the next poll instead of piling polls up).
 */
export class HubPoller {
  readonly intervalMs: number;
  private readonly queueSubs = new Set<QueueSub>();
  private readonly handoffSubs = new Map<string, Set<HandoffSub>>();
  private timer?: NodeJS.Timeout;
  private polling?: Promise<void>;
  private again = false;
  private failing = false;

  constructor(private readonly deps: HubPollerDeps) {
    this.intervalMs = deps.intervalMs ?? 1000;
  }

  /** Watches the waiting list; the current list comes at once. Returns the function that stops watching. */
  watchQueue(watcher: QueueWatcher): () => void {
    const sub: QueueSub = { watcher };
    this.queueSubs.add(sub);
    this.started();
    return () => {
      this.queueSubs.delete(sub);
      this.stopIfIdle();
    };
  }

  /**
   * Watches one handoff: messages numbered above `after` come at once, then every new one, and every
   * status change. Returns the function that stops watching.
   */
  watchHandoff(id: string, after: number, watcher: HandoffWatcher): () => void {
    const sub: HandoffSub = { watcher, after, closedPolls: 0 };
    let subs = this.handoffSubs.get(id);
    if (!subs) this.handoffSubs.set(id, (subs = new Set()));
    subs.add(sub);
    this.started();
    return () => this.removeHandoffSub(id, sub);
  }

  /** Watchers right now (queue and handoff). */
  get watchers(): number {
    let n = this.queueSubs.size;
    for (const subs of this.handoffSubs.values()) n += subs.size;
    return n;
  }

  /** Stops polling and forgets every watcher (none is told). */
  close(): void {
    this.queueSubs.clear();
    this.handoffSubs.clear();
    this.stopIfIdle();
  }

  /** Resolves when the poll under way (if any) is done; for tests. */
  async settled(): Promise<void> {
    while (this.polling) await this.polling;
  }

  private removeHandoffSub(id: string, sub: HandoffSub): void {
    const subs = this.handoffSubs.get(id);
    subs?.delete(sub);
    if (subs && subs.size === 0) this.handoffSubs.delete(id);
    this.stopIfIdle();
  }

  private started(): void {
    if (!this.timer) {
      this.timer = setInterval(() => this.kick(), this.intervalMs);
      this.timer.unref();
    }
    // A new watcher gets its first answer now, not an interval later.
    this.kick();
  }

  private stopIfIdle(): void {
    if (this.watchers === 0 && this.timer) {
      clearInterval(this.timer);
      this.timer = undefined;
    }
  }

  /** Polls now, or right after the poll under way (never two at once). */
  private kick(): void {
    if (this.polling) {
      this.again = true;
      return;
    }
    this.polling = this.poll()
      .catch((err: unknown) => this.deps.logger.warn({ err }, 'agent events poll failed'))
      .finally(() => {
        this.polling = undefined;
        if (this.again) {
          this.again = false;
          if (this.watchers > 0) this.kick();
        }
      });
  }

  private async poll(): Promise<void> {
    let failed = false;
    const guard = async (what: () => Promise<void>) => {
      try {
        await what();
      } catch (err) {
        // A store outage would log on every poll of every handoff: once per outage is enough.
        if (!this.failing) this.deps.logger.warn({ err }, 'agent events: the hub could not be read');
        failed = true;
      }
    };
    if (this.queueSubs.size > 0) await guard(() => this.pollQueue());
    for (const [id, subs] of [...this.handoffSubs]) await guard(() => this.pollHandoff(id, subs));
    if (this.failing && !failed) this.deps.logger.info('agent events: the hub can be read again');
    this.failing = failed;
  }

  private async pollQueue(): Promise<void> {
    const items = (await this.deps.hub.queue()).map(queueItem);
    const signature = JSON.stringify(items);
    for (const sub of [...this.queueSubs]) {
      if (sub.seen === signature) continue;
      sub.seen = signature;
      this.call(() => sub.watcher.onQueue(items));
    }
  }

  private async pollHandoff(id: string, subs: Set<HandoffSub>): Promise<void> {
    if (subs.size === 0) return;
    // The status first: a message written after it is read is still in the list read next.
    const view = await this.deps.hub.view(id);
    if (!view) {
      for (const sub of [...subs]) {
        this.removeHandoffSub(id, sub);
        this.call(() => sub.watcher.onEnd('gone'));
      }
      return;
    }
    const after = Math.min(...[...subs].map((s) => s.after));
    const messages = (await this.deps.hub.messages(id, after)) ?? [];
    for (const sub of [...subs]) {
      const fresh = messages.filter((m) => m.n > sub.after);
      if (fresh.length > 0) {
        sub.after = fresh[fresh.length - 1].n;
        this.call(() => sub.watcher.onMessages(fresh));
      }
      if (sub.status !== view.status) {
        sub.status = view.status;
        this.call(() => sub.watcher.onStatus(view));
      }
      if (CLOSED.includes(view.status)) {
        sub.closedPolls += 1;
        if (sub.closedPolls >= 2) {
          this.removeHandoffSub(id, sub);
          this.call(() => sub.watcher.onEnd('closed'));
        }
      }
    }
  }

  /** A watcher that throws (a closed socket) must not stop the others. */
  private call(fn: () => void): void {
    try {
      fn();
    } catch (err) {
      this.deps.logger.warn({ err }, 'agent events: a watcher failed');
    }
  }
}

/** Comment line sent this often so proxies and the browser see the stream alive. */
export const HEARTBEAT_MS = 15_000;

/** Open streams allowed per agent (a console uses two: the queue and one conversation). */
export const MAX_STREAMS_PER_AGENT = 4;

/** One server-sent event stream on a response; writes nothing once the response has closed. */
export class EventStream {
  private readonly heartbeat: NodeJS.Timeout;
  private ended = false;

  constructor(
    private readonly res: ServerResponse,
    heartbeatMs = HEARTBEAT_MS,
  ) {
    res.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-store',
      'x-content-type-options': 'nosniff',
      // Tells proxies such as nginx not to buffer the stream.
      'x-accel-buffering': 'no',
    });
    // How long a client should wait before reconnecting, then a first line so headers and body flow now.
    res.write('retry: 3000\n: open\n\n');
    this.heartbeat = setInterval(() => this.write(': heartbeat\n\n'), heartbeatMs);
    this.heartbeat.unref();
    res.once('close', () => this.stop());
  }

  /** Sends one event; `data` is JSON-encoded (one line: JSON never holds a raw newline). */
  send(event: string, data: unknown, id?: number): void {
    this.write(`event: ${event}\n${id === undefined ? '' : `id: ${id}\n`}data: ${JSON.stringify(data)}\n\n`);
  }

  /** Ends the response cleanly (the client sees the stream finish, not a reset). */
  end(): void {
    if (this.ended) return;
    this.stop();
    if (!this.res.writableEnded) this.res.end();
  }

  get closed(): boolean {
    return this.ended;
  }

  private stop(): void {
    this.ended = true;
    clearInterval(this.heartbeat);
  }

  private write(chunk: string): void {
    if (!this.ended && !this.res.writableEnded) this.res.write(chunk);
  }
}

/** Where open streams are registered so a graceful shutdown ends them (ServerLifecycle.holdOpen). */
export interface StreamHolder {
  holdOpen(res: ServerResponse, end: () => void): boolean;
}

export interface AgentStreamsDeps {
  poller: HubPoller;
  logger: Logger;
  lifecycle?: StreamHolder;
  heartbeatMs?: number;
  maxPerAgent?: number;
}

/** Why a stream was not opened: the status and the short message the API answers with. */
export type StreamRefusal = { status: 429 | 503; error: string };

/**
 * The event streams of the agent API: counts each agent's open streams, registers each with the
 * lifecycle, and connects it to the shared poller until either side ends it.
 */
export class AgentStreams {
  private readonly open = new Map<string, number>();

  constructor(private readonly deps: AgentStreamsDeps) {}

  /** The queue stream: `event: queue` with the whole waiting list at once and after every change. */
  queue(res: ServerResponse, agent: string): StreamRefusal | undefined {
    return this.start(res, agent, (stream) =>
      this.deps.poller.watchQueue({ onQueue: (items) => stream.send('queue', items) }),
    );
  }

  /**
   * One handoff's stream: `event: message` per message (its number as the event id, for resuming),
   * `event: status` with `{ status, agent? }` on each change; ends after the handoff closes.
   */
  handoff(res: ServerResponse, agent: string, id: string, after: number): StreamRefusal | undefined {
    return this.start(res, agent, (stream) =>
      this.deps.poller.watchHandoff(id, after, {
        onMessages: (messages) => {
          for (const m of messages) stream.send('message', m, m.n);
        },
        onStatus: (view) =>
          stream.send('status', { status: view.status, ...(view.agent ? { agent: view.agent } : {}) }),
        onEnd: (reason) => {
          if (reason === 'gone') stream.send('status', { status: 'gone' });
          stream.end();
        },
      }),
    );
  }

  /** Open streams of an agent right now. */
  count(agent: string): number {
    return this.open.get(agent) ?? 0;
  }

  private start(
    res: ServerResponse,
    agent: string,
    watch: (stream: EventStream) => () => void,
  ): StreamRefusal | undefined {
    const max = this.deps.maxPerAgent ?? MAX_STREAMS_PER_AGENT;
    if (this.count(agent) >= max) {
      return {
        status: 429,
        error: `at most ${max} event streams per agent may be open at once; close one (another tab?) and try again`,
      };
    }
    // The lifecycle may end the stream before it exists only by refusing it (false while draining).
    const ref: { stream?: EventStream } = {};
    const held = this.deps.lifecycle ? this.deps.lifecycle.holdOpen(res, () => ref.stream?.end()) : true;
    if (!held) return { status: 503, error: 'the server is shutting down; reconnect in a moment' };
    this.open.set(agent, this.count(agent) + 1);
    const stream = new EventStream(res, this.deps.heartbeatMs);
    ref.stream = stream;
    const unwatch = watch(stream);
    res.once('close', () => {
      unwatch();
      stream.end();
      const left = this.count(agent) - 1;
      if (left > 0) this.open.set(agent, left);
      else this.open.delete(agent);
    });
    return undefined;
  }
}
