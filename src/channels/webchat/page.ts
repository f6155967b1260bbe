import { createHash, randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { repoRoot } from '../../http/static';
import { join } from 'node:path';
import type { Request, Response, Server } from 'restify';
import { LANGS, type Lang } from '../../i18n';

/**
 * The web chat page: `GET /` (HTML with a per-response CSP nonce), its script and style, and the
 * vendored Web Chat bundle, all from this server (no CDN). The bundle's hash is checked against the lock
 * file at start-up and again by the browser (SRI), so a changed file is refused twice.
 */

/** Raised at start-up when the vendored bundle does not match its lock file. */
export class VendoredBundleError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'VendoredBundleError';
  }
}

/** The page's texts in one language: the `webchat` block of the locale files. */
export interface PageTexts {
  page: Record<string, string>;
  webChat: Record<string, string>;
}

export interface WebChatPageDeps {
  /** The `webchat` locale block per language. */
  texts: (lang: Lang) => PageTexts;
  /** Show the sandbox phone panel (sandbox mode only). */
  sandbox: boolean;
  /** Direct Line token lifetime, so the page refreshes well before expiry. */
  tokenMinutes: number;
}

interface Asset {
  body: Buffer;
  type: string;
  cache: string;
}

/** Reads and checks the vendored bundle; throws {@link VendoredBundleError} on any mismatch. */
export function loadVendoredBundle(root = repoRoot()): { body: Buffer; file: string; sha384: string } {
  const dir = join(root, 'vendor', 'botframework-webchat');
  let lock: { file: string; sha384: string };
  let body: Buffer;
  try {
    lock = JSON.parse(readFileSync(join(dir, 'botframework-webchat.lock.json'), 'utf8')) as typeof lock;
    body = readFileSync(join(dir, lock.file));
  } catch {
    throw new VendoredBundleError(
      'vendor/botframework-webchat is missing or unreadable; run `npx ts-node scripts/vendor-webchat.ts` ' +
        '(or set WEBCHAT=false)',
    );
  }
  const actual = `sha384-${createHash('sha384').update(body).digest('base64')}`;
  if (actual !== lock.sha384) {
    throw new VendoredBundleError(
      `vendor/botframework-webchat/${lock.file} does not match botframework-webchat.lock.json; run scripts/vendor-webchat.ts`,
    );
  }
  return { body, file: lock.file, sha384: lock.sha384 };
}

/** Registers `GET /` and the page's assets. */
export function registerWebChatPage(server: Server, deps: WebChatPageDeps): void {
  const root = repoRoot();
  const bundle = loadVendoredBundle(root);
  const publicDir = join(root, 'public', 'webchat');
  const template = readFileSync(join(publicDir, 'index.html'), 'utf8');
  const assets = new Map<string, Asset>([
    [
      '/webchat/page.js',
      {
        body: readFileSync(join(publicDir, 'page.js')),
        type: 'text/javascript; charset=utf-8',
        cache: 'no-cache',
      },
    ],
    [
      '/webchat/page.css',
      { body: readFileSync(join(publicDir, 'page.css')), type: 'text/css; charset=utf-8', cache: 'no-cache' },
    ],
    [
      `/webchat/vendor/${bundle.file}`,
      { body: bundle.body, type: 'text/javascript; charset=utf-8', cache: 'public, max-age=86400' },
    ],
  ]);
  const texts = Object.fromEntries(LANGS.map((lang) => [lang, pageTexts(deps.texts(lang), deps.sandbox)]));
  const pageConfig = JSON.stringify({
    texts,
    sandbox: deps.sandbox,
    refreshMs: Math.floor((deps.tokenMinutes * 60_000) / 3),
    // Inside a <script> element: no "<" may close it early.
  }).replace(/</g, '\\u003c');
  const nb = texts.nb.page;
  const base = template
    .replace(/<!--sandbox-->[\s\S]*?<!--\/sandbox-->/g, (part) => (deps.sandbox ? part : ''))
    .replace('{{bundle}}', `/webchat/vendor/${bundle.file}`)
    .replace('{{integrity}}', bundle.sha384)
    .replace('{{config}}', pageConfig)
    .replace(/\{\{text\.(\w+)\}\}/g, (_m, key: string) => escapeHtml(nb[key] ?? ''));

  const common = (res: Response) => {
    res.setHeader('x-content-type-options', 'nosniff');
    res.setHeader('referrer-policy', 'no-referrer');
    res.setHeader('x-frame-options', 'DENY');
  };

  server.get('/', async (_req: Request, res: Response) => {
    const nonce = randomBytes(16).toString('base64');
    common(res);
    res.setHeader('content-security-policy', contentSecurityPolicy(nonce));
    res.setHeader('cache-control', 'no-store');
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
    res.end(base.replace(/\{\{nonce\}\}/g, nonce));
  });
  // Browsers ask for it on every page; an empty answer keeps a 404 out of the console.
  server.get('/favicon.ico', async (_req: Request, res: Response) => {
    res.setHeader('cache-control', 'public, max-age=86400');
    res.send(204);
  });
  for (const [path, asset] of assets) {
    server.get(path, async (_req: Request, res: Response) => {
      common(res);
      res.setHeader('cache-control', asset.cache);
      res.writeHead(200, { 'content-type': asset.type, 'content-length': asset.body.length });
      res.end(asset.body);
    });
  }
}

const EMPTY_STYLE_HASH = 'sha256-47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=';

/**
 * Scripts only with this response's nonce (the bundle additionally by SRI), styles from here or with
 * the nonce (Web Chat's emotion styles get it through its `nonce` prop), calls to this origin only.
 */
export function contentSecurityPolicy(nonce: string): string {
  return [
    "default-src 'none'",
    `script-src 'nonce-${nonce}'`,
    // Web Chat clears a style attribute once (style=""); only that empty value is allowed, by its hash.
    `style-src 'self' 'nonce-${nonce}' 'unsafe-hashes' '${EMPTY_STYLE_HASH}'`,
    "img-src 'self' data: blob:",
    "connect-src 'self'",
    "font-src 'self'",
    "base-uri 'none'",
    "form-action 'none'",
    "frame-ancestors 'none'",
  ].join('; ');
}

/** Outside sandbox mode the page carries no word of the sandbox phone. */
function pageTexts(texts: PageTexts, sandbox: boolean): PageTexts {
  if (sandbox) return texts;
  const page = Object.fromEntries(Object.entries(texts.page).filter(([key]) => !key.startsWith('sandbox')));
  return { ...texts, page };
}

function escapeHtml(text: string): string {
  return text.replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] ?? c,
  );
}
