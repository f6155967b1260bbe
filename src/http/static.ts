/**
 * Serving a few files of the repository's `public/` directory: read once at start-up into memory, looked
 * up by exact name in that list, never by joining a request path onto a directory, so no `..`, encoded
 * slash or symlink can reach any other file.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { extname, join } from 'node:path';
import type { Response } from 'restify';

/** Thrown at start-up when a directory the server must serve is missing. */
export class MissingStaticFilesError extends Error {
  constructor(dir: string) {
    super(
      `${dir} is missing: run the server from a checkout that has public/ (it is not built, it is served as is)`,
    );
    this.name = 'MissingStaticFilesError';
  }
}

/**
 * The repository root: the nearest ancestor of `from` holding package.json and public/. Works from
 * src/http (ts-node, jest) and from dist/src/http (the built start command) alike.
 */
export function repoRoot(from: string = __dirname): string {
  let dir = from;
  for (let i = 0; i < 8; i += 1) {
    if (existsSync(join(dir, 'package.json')) && existsSync(join(dir, 'public'))) return dir;
    const parent = join(dir, '..');
    if (parent === dir) break;
    dir = parent;
  }
  throw new MissingStaticFilesError(join(from, 'public'));
}

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.json': 'application/json; charset=utf-8',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
};

/** A file held in memory with its content type. */
export interface StaticFile {
  body: Buffer;
  type: string;
}

/** Names a request may ask for: lower-case letters, digits, dashes and dots, a known extension. */
const NAME = /^[a-z0-9][a-z0-9.-]{0,63}$/;

/**
 * The regular files directly in `dir` (no subdirectories) with a known type, by name.
 * @throws MissingStaticFilesError when `dir` does not exist.
 */
export function loadStaticFiles(dir: string): Map<string, StaticFile> {
  if (!existsSync(dir)) throw new MissingStaticFilesError(dir);
  const files = new Map<string, StaticFile>();
  for (const name of readdirSync(dir)) {
    const type = TYPES[extname(name)];
    const path = join(dir, name);
    if (!type || !NAME.test(name) || !statSync(path).isFile()) continue;
    files.set(name, { body: readFileSync(path), type });
  }
  return files;
}

/**
 * Headers of every page and asset: only our own origin may supply scripts, styles, images and
 * connections (no inline script or style), nothing may frame the page, and types are not sniffed.
 */
export const PAGE_SECURITY_HEADERS: Readonly<Record<string, string>> = {
  'content-security-policy':
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self'; connect-src 'self'; " +
    "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'",
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'x-frame-options': 'DENY',
};

/** Sends a file with the security headers; browsers revalidate (`no-cache`) so a deploy shows at once. */
export function sendStatic(res: Response, file: StaticFile): void {
  res.writeHead(200, {
    ...PAGE_SECURITY_HEADERS,
    'content-type': file.type,
    'content-length': String(file.body.length),
    'cache-control': 'no-cache',
  });
  res.end(file.body);
}

/** A JSON 404 with the security headers (never echoing the path asked for). */
export function sendNotFound(res: Response): void {
  const body = JSON.stringify({ error: 'not found' });
  res.writeHead(404, {
    ...PAGE_SECURITY_HEADERS,
    'content-type': 'application/json; charset=utf-8',
    'content-length': String(Buffer.byteLength(body)),
  });
  res.end(body);
}
