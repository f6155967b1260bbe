// Reproduces vendor/botframework-webchat/ from the pinned npm version: `npm pack` the package into a
// temporary directory, check the tarball against the registry's integrity, take the self-contained UMD
// bundle from `package/dist/` (the package's `exports` hides dist/, so it is taken from the tarball, not
// from an install), and write the bundle, its licence texts and a lock file with the hashes the page's
// SRI attribute and the server's start-up check use.
//
//   npx ts-node scripts/vendor-webchat.ts            # rewrite the vendored files
//   npx ts-node scripts/vendor-webchat.ts --check    # fail when the committed files differ from the tarball
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** The pinned version; change it here and rerun the script to upgrade. */
export const WEBCHAT_VERSION = '4.18.1';
/** The minimal bundle (no Adaptive Cards, no speech): the bot sends text and suggested actions only. */
export const BUNDLE = 'webchat-minimal.js';

const VENDOR_DIR = join(__dirname, '..', 'vendor', 'botframework-webchat');

/** The package declares MIT in package.json but ships no LICENSE file; this is Microsoft's MIT text. */
const MIT_LICENSE = `botframework-webchat ${WEBCHAT_VERSION}
MIT License

Copyright (c) Microsoft Corporation. All rights reserved.

Permission is hereby granted, free of charge, to any person obtaining a copy
of this software and associated documentation files (the "Software"), to deal
in the Software without restriction, including without limitation the rights
to use, copy, modify, merge, publish, distribute, sublicense, and/or sell
copies of the Software, and to permit persons to whom the Software is
furnished to do so, subject to the following conditions:

The above copyright notice and this permission notice shall be included in all
copies or substantial portions of the Software.

THE SOFTWARE IS PROVIDED "AS IS", WITHOUT WARRANTY OF ANY KIND, EXPRESS OR
IMPLIED, INCLUDING BUT NOT LIMITED TO THE WARRANTIES OF MERCHANTABILITY,
FITNESS FOR A PARTICULAR PURPOSE AND NONINFRINGEMENT. IN NO EVENT SHALL THE
AUTHORS OR COPYRIGHT HOLDERS BE LIABLE FOR ANY CLAIM, DAMAGES OR OTHER
LIABILITY, WHETHER IN AN ACTION OF CONTRACT, TORT OR OTHERWISE, ARISING FROM,
OUT OF OR IN CONNECTION WITH THE SOFTWARE OR THE USE OR OTHER DEALINGS IN THE
SOFTWARE.
`;

function sha384(data: Buffer): string {
  return `sha384-${createHash('sha384').update(data).digest('base64')}`;
}

function main(): void {
  const check = process.argv.includes('--check');
  const dir = mkdtempSync(join(tmpdir(), 'vendor-webchat-'));
  try {
    const spec = `botframework-webchat@${WEBCHAT_VERSION}`;
    const packed = JSON.parse(
      execFileSync('npm', ['pack', spec, '--json', '--pack-destination', dir], { encoding: 'utf8' }),
    ) as { filename: string; integrity: string }[];
    const tarball = join(dir, packed[0].filename);
    const tgz = readFileSync(tarball);
    const integrity = `sha512-${createHash('sha512').update(tgz).digest('base64')}`;
    const registryIntegrity = execFileSync('npm', ['view', spec, 'dist.integrity'], {
      encoding: 'utf8',
    }).trim();
    if (integrity !== registryIntegrity || integrity !== packed[0].integrity) {
      throw new Error(`tarball integrity ${integrity} does not match the registry's ${registryIntegrity}`);
    }
    execFileSync('tar', [
      'xzf',
      tarball,
      '-C',
      dir,
      `package/dist/${BUNDLE}`,
      `package/dist/${BUNDLE}.LICENSE.txt`,
    ]);
    const bundle = readFileSync(join(dir, 'package', 'dist', BUNDLE));
    const notices = readFileSync(join(dir, 'package', 'dist', `${BUNDLE}.LICENSE.txt`));
    const lock = {
      package: 'botframework-webchat',
      version: WEBCHAT_VERSION,
      file: BUNDLE,
      sha384: sha384(bundle),
      bytes: bundle.length,
      tarballIntegrity: integrity,
      source: `npm pack ${spec} -> package/dist/${BUNDLE}`,
    };
    const lockText = `${JSON.stringify(lock, null, 2)}\n`;
    if (check) {
      const committed = readFileSync(join(VENDOR_DIR, BUNDLE));
      const committedLock = readFileSync(join(VENDOR_DIR, 'botframework-webchat.lock.json'), 'utf8');
      if (!committed.equals(bundle) || committedLock !== lockText) {
        throw new Error('vendor/botframework-webchat differs from the pinned tarball; rerun the script');
      }
      console.log(`vendor/botframework-webchat matches ${spec} (${lock.sha384})`);
      return;
    }
    mkdirSync(VENDOR_DIR, { recursive: true });
    writeFileSync(join(VENDOR_DIR, BUNDLE), bundle);
    writeFileSync(join(VENDOR_DIR, `${BUNDLE}.LICENSE.txt`), notices);
    writeFileSync(join(VENDOR_DIR, 'LICENSE'), MIT_LICENSE);
    writeFileSync(join(VENDOR_DIR, 'botframework-webchat.lock.json'), lockText);
    console.log(`wrote vendor/botframework-webchat from ${spec} (${lock.sha384})`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

if (require.main === module) main();
