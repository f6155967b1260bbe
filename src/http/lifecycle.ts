import type { IncomingMessage, Server as HttpServer, ServerResponse } from 'node:http';
import { Server as NetServer, type Socket } from 'node:net';

/** At most this long is spent taking in connections already queued by the kernel before closing. */
const BACKLOG_MS = 1000;

/** How long the server must be quiet, with nothing running, before idle connections are closed. */
const QUIET_MS = 250;

/**
 * Counts the requests and connections the server is serving, so shutdown can wait for them. Without it,
 * SIGTERM closed the server and exited after a fixed 5 s: a probe saw 15 of 16 open expectReplies
 * requests reset, and a slow turn cut off mid-answer.
 */
export class ServerLifecycle {
  private readonly inFlight = new Set<ServerResponse>();
  private readonly connections = new Set<Socket>();
  /** Long-lived responses (event streams) and how to end each one cleanly when draining. */
  private readonly held = new Map<ServerResponse, () => void>();
  private server?: HttpServer;
  private isDraining = false;
  private requests = 0;
  private accepted = 0;
  private changed?: () => void;

  /** Watches every connection and request of `server`; call once, before it listens. */
  attach(server: HttpServer): void {
    this.server = server;
    server.on('connection', (socket: Socket) => {
      this.connections.add(socket);
      this.accepted += 1;
      socket.once('close', () => {
        this.connections.delete(socket);
        this.changed?.();
      });
    });
    server.on('request', (_req: IncomingMessage, res: ServerResponse) => {
      this.inFlight.add(res);
      this.requests += 1;
      // A request that arrives while draining is served, and its connection closed after the answer.
      if (this.isDraining) res.setHeader('connection', 'close');
      res.once('close', () => {
        this.inFlight.delete(res);
        this.changed?.();
      });
      this.changed?.();
    });
  }

  /**
   * Registers a response meant to stay open (a server-sent event stream) with the function that ends it
   * cleanly. A drain calls it at once, so open streams end instead of holding the grace period until
   * they are cut. False while draining: the caller answers 503 instead of opening a stream.
   */
  holdOpen(res: ServerResponse, end: () => void): boolean {
    if (this.isDraining) return false;
    this.held.set(res, end);
    res.once('close', () => this.held.delete(res));
    return true;
  }

  /** True from the start of a drain: /readyz answers 503. */
  get draining(): boolean {
    return this.isDraining;
  }

  /** Requests received since start. */
  get served(): number {
    return this.requests;
  }

  /** Open client connections right now. */
  get open(): number {
    return this.connections.size;
  }

  /** Requests being answered right now. */
  get active(): number {
    return this.inFlight.size;
  }

  /**
   * Stops accepting connections and lets every request already accepted finish, its connection closed
   * after the answer. Connections without a request (kept alive, or accepted just before) are closed
   * only once nothing is running and the server has been quiet for a moment: under load the event loop
   * may not yet have read a request that is already waiting on such a connection, and closing it would
   * reset that request. Resolves when nothing is left, or after `graceMs` with what is still open cut;
   * `unfinished` counts the requests cut.
   */
  async drain(graceMs: number): Promise<{ unfinished: number }> {
    const server = this.server;
    if (!server) return { unfinished: 0 };
    this.isDraining = true;
    for (const [res, end] of [...this.held]) {
      this.held.delete(res);
      try {
        end();
      } catch {
        res.destroy();
      }
    }
    const deadline = Date.now() + graceMs;
    // Connections the kernel has completed wait in the listen backlog until the event loop accepts
    // them, and closing the listener resets them (the client sees ECONNRESET). Under load the loop takes
    // in only a few per turn, so keep turning it until a turn brings no new connection (bounded).
    const acceptUntil = Date.now() + Math.min(BACKLOG_MS, graceMs);
    let seen: number;
    do {
      seen = this.accepted;
      await nextLoopTurn();
      await nextLoopTurn();
    } while (this.accepted !== seen && Date.now() < acceptUntil);
    // net.Server's close only stops listening. http.Server's close would also drop every connection
    // without a request yet, including one whose request is already on its way.
    const closed = new Promise<void>((resolve) => NetServer.prototype.close.call(server, () => resolve()));
    for (const res of this.inFlight) {
      if (!res.headersSent) res.setHeader('connection', 'close');
    }
    for (;;) {
      await this.until(() => this.inFlight.size === 0 || this.connections.size === 0, deadline);
      if (this.connections.size === 0 || Date.now() >= deadline) break;
      // Nothing running: wait for a quiet moment (and two loop turns, so waiting bytes are read).
      await nextLoopTurn();
      await nextLoopTurn();
      await this.until(() => this.inFlight.size > 0, Math.min(deadline, Date.now() + QUIET_MS));
      if (this.inFlight.size === 0) break;
    }
    const unfinished = this.inFlight.size;
    for (const socket of this.connections) socket.destroy();
    await closed;
    return { unfinished };
  }

  /** Resolves when `done()` holds (checked on every request or connection change) or at `deadline`. */
  private until(done: () => boolean, deadline: number): Promise<void> {
    if (done()) return Promise.resolve();
    return new Promise<void>((resolve) => {
      const finish = () => {
        clearTimeout(timer);
        this.changed = undefined;
        resolve();
      };
      const timer = setTimeout(finish, Math.max(0, deadline - Date.now()));
      this.changed = () => {
        if (done()) finish();
      };
    });
  }
}

function nextLoopTurn(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}
