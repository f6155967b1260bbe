import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { cpus } from 'node:os';

/**
 * Process plumbing for the benchmark: CPU time of a process from /proc, the machine's total CPU from
 * /proc/stat, core pinning with taskset, and starting a server under test as a child process so its CPU
 * can be measured and pinned on its own. Linux only for the CPU figures; elsewhere they read as zero.
 */

/** Clock ticks per second of /proc CPU times (getconf CLK_TCK; 100 on every common Linux). */
export const CLK_TCK = (() => {
  try {
    return Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
  } catch {
    return 100;
  }
})();

/** utime + stime of one process, in clock ticks (0 when /proc is not there or the process is gone). */
export function processTicks(pid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name (field 2) may hold spaces and parentheses: count fields after its closing one.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return Number(fields[11]) + Number(fields[12]);
  } catch {
    return 0;
  }
}

/** Busy ticks of the whole machine (every core): all of /proc/stat's "cpu" line except idle and iowait. */
export function machineBusyTicks(): number {
  try {
    const line = readFileSync('/proc/stat', 'utf8').split('\n')[0];
    const v = line.trim().split(/\s+/).slice(1, 9).map(Number);
    const [user, nice, system, , , irq, softirq, steal] = v;
    return user + nice + system + irq + softirq + steal;
  } catch {
    return 0;
  }
}

/** Resident set size of a process in bytes (0 when unknown). */
export function processRss(pid: number): number {
  try {
    const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) * 1024 : 0;
  } catch {
    return 0;
  }
}

export const hasTaskset = ['/usr/bin/taskset', '/bin/taskset', '/usr/sbin/taskset'].some((p) =>
  existsSync(p),
);
export const coreCount = cpus().length;

/** Pins every thread of a running process to one core (no-op without taskset). */
export function pinProcess(pid: number, core: number): boolean {
  if (!hasTaskset) return false;
  try {
    execFileSync('taskset', ['-a', '-p', '-c', String(core), String(pid)], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

/** A free loopback port (bound and released; good enough on a quiet loopback). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const address = srv.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

export interface ServerChild {
  name: string;
  child: ChildProcess;
  pid: number;
  port: number;
  /** Milliseconds from spawn to the first 200 of the ready path. */
  readyMs: number;
  /** The last few KB of the child's output, for error messages. */
  output(): string;
  stop(): Promise<void>;
}

export interface StartServerOptions {
  name: string;
  /** Node arguments before the script (e.g. -r ts-node/register/transpile-only, --cpu-prof). */
  nodeArgs: string[];
  script: string;
  cwd: string;
  env: Record<string, string>;
  /** Core to pin the server to; undefined = not pinned. */
  core?: number;
  readyPath: string;
  timeoutMs?: number;
}

const live = new Set<ChildProcess>();

/** Kills every server child still running (the bench's own signal handlers call it: no orphans). */
export function killStartedServers(): void {
  for (const child of live) child.kill('SIGKILL');
}

/** Starts a server as a child process on a free port and waits until its ready path answers 200. */
export async function startServer(options: StartServerOptions): Promise<ServerChild> {
  const port = await freePort();
  const nodeCmd = [process.execPath, ...options.nodeArgs, options.script];
  // taskset execs node in place, so the child's pid is the server's pid.
  const [cmd, ...args] =
    options.core !== undefined && hasTaskset ? ['taskset', '-c', String(options.core), ...nodeCmd] : nodeCmd;
  const started = process.hrtime.bigint();
  const child = spawn(cmd, args, {
    cwd: options.cwd,
    env: {
      PATH: process.env.PATH ?? '',
      HOME: process.env.HOME ?? '',
      NODE_NO_WARNINGS: '1',
      ...options.env,
      PORT: String(port),
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  const keep = (c: Buffer) => {
    out = (out + c.toString('utf8')).slice(-8000);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  live.add(child);
  const exited = new Promise<void>((resolve) =>
    child.once('exit', () => {
      live.delete(child);
      resolve();
    }),
  );
  const deadline = Date.now() + (options.timeoutMs ?? 60_000);
  for (;;) {
    if (child.exitCode !== null || child.signalCode !== null) {
      throw new Error(`${options.name} exited before it was ready:\n${out}`);
    }
    if (await answers200(port, options.readyPath)) break;
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`${options.name} not ready in time:\n${out}`);
    }
    await new Promise((r) => setTimeout(r, 5));
  }
  const readyMs = Number(process.hrtime.bigint() - started) / 1e6;
  return {
    name: options.name,
    child,
    pid: child.pid ?? 0,
    port,
    readyMs,
    output: () => out,
    stop: async () => {
      if (child.exitCode === null && child.signalCode === null) {
        // SIGTERM lets the bot shut down cleanly (and write a --cpu-prof profile); SIGKILL if it hangs.
        child.kill('SIGTERM');
        const timer = setTimeout(() => child.kill('SIGKILL'), 8000);
        await exited;
        clearTimeout(timer);
      }
    },
  };
}

async function answers200(port: number, path: string): Promise<boolean> {
  try {
    const res = await fetch(`http://127.0.0.1:${port}${path}`, { signal: AbortSignal.timeout(1000) });
    await res.arrayBuffer();
    return res.status === 200;
  } catch {
    return false;
  }
}
