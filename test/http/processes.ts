import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';

/** Helpers to run the real bot process the way an operator starts it (transpiled on the fly). */

const ROOT = join(__dirname, '..', '..');

export interface Started {
  child: ChildProcess;
  stdout: () => string;
  stderr: () => string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

const children: ChildProcess[] = [];

/** Starts `src/index.ts` with a clean environment: only what node needs plus `env`. */
export function startProcess(env: Record<string, string>): Started {
  const child = spawn(process.execPath, ['-r', 'ts-node/register/transpile-only', 'src/index.ts'], {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', NODE_NO_WARNINGS: '1', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.push(child);
  let out = '';
  let err = '';
  child.stdout?.on('data', (c: Buffer) => (out += c.toString('utf8')));
  child.stderr?.on('data', (c: Buffer) => (err += c.toString('utf8')));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.on('exit', (code, signal) => resolve({ code, signal })),
  );
  return { child, stdout: () => out, stderr: () => err, exited };
}

/** Kills every process these helpers started that is still running (call it in afterAll). */
export function killStarted(): void {
  for (const child of children) {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  }
}

/** Waits for the JSON start-up line ("... listening ...") and returns the bound port and the line. */
export async function boundPort(
  started: Started,
  timeoutMs = 35_000,
): Promise<{ port: number; line: Record<string, unknown> }> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const line = started
      .stdout()
      .split('\n')
      .find((l) => l.includes('listening'));
    if (line) {
      const parsed = JSON.parse(line) as Record<string, unknown>;
      if (typeof parsed.port !== 'number') throw new Error(`start-up line without a port: ${line}`);
      return { port: parsed.port, line: parsed };
    }
    if (started.child.exitCode !== null) {
      throw new Error(`process exited early (${started.child.exitCode}): ${started.stderr()}`);
    }
    if (Date.now() > deadline) throw new Error(`no start-up line; stderr: ${started.stderr()}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
