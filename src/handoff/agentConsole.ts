/**
 * The agent console page at GET /agent: static files from public/agent (no build step, no CDN) and its
 * strings from the `console` block of the locale files. Registered with the agent API, so the console
 * exists exactly when agents are configured.
 */
import { join } from 'node:path';
import type { Request, Response, Server } from 'restify';
import nb from '../../locales/nb.json';
import nn from '../../locales/nn.json';
import en from '../../locales/en.json';
import { loadStaticFiles, repoRoot, sendNotFound, sendStatic, PAGE_SECURITY_HEADERS } from '../http/static';

const STRINGS: Record<string, unknown> = { nb: nb.console, nn: nn.console, en: en.console };

/** Registers GET /agent, /agent/<file> and /agent/strings/<nb|nn|en>. */
export function registerAgentConsole(
  server: Server,
  dir: string = join(repoRoot(), 'public', 'agent'),
): void {
  const files = loadStaticFiles(dir);
  const index = files.get('index.html');
  if (!index) throw new Error(`${join(dir, 'index.html')} is missing`);

  const page = async (_req: Request, res: Response) => sendStatic(res, index);
  server.get('/agent', page);
  server.get('/agent/', page);

  server.get('/agent/:file', async (req: Request, res: Response) => {
    const file = files.get(String(req.params?.file ?? ''));
    if (file) sendStatic(res, file);
    else sendNotFound(res);
  });

  server.get('/agent/strings/:lang', async (req: Request, res: Response) => {
    const lang = String(req.params?.lang ?? '');
    const strings = Object.hasOwn(STRINGS, lang) ? STRINGS[lang] : undefined;
    if (!strings) {
      sendNotFound(res);
      return;
    }
    const body = JSON.stringify(strings);
    res.writeHead(200, {
      ...PAGE_SECURITY_HEADERS,
      'content-type': 'application/json; charset=utf-8',
      'content-length': String(Buffer.byteLength(body)),
      'cache-control': 'no-cache',
    });
    res.end(body);
  });
}
