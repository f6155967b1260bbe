/**
 * Summarises a V8 CPU profile (node --cpu-prof) of the server: where the time goes, as shares of the
 * non-idle time, by package (self time), by function (self time) and by function including what it calls
 * (each sample counted once per function on its stack).
 *
 *   npm run bench -- --rows order --cpu-prof /tmp/prof && npx ts-node scripts/bench/profile-summary.ts /tmp/prof/*.cpuprofile
 *   (--grep REGEX adds the inclusive time of the functions whose name or file matches)
 */
import { readFileSync } from 'node:fs';

interface CallFrame {
  functionName: string;
  url: string;
  lineNumber: number;
}
interface ProfileNode {
  id: number;
  callFrame: CallFrame;
  children?: number[];
}
interface Profile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

/** The package a script belongs to: node_modules/<name> (scoped too), our own folders, or node itself. */
function packageOf(url: string, name: string): string {
  if (!url) return `(${name || 'native'})`.replace(/^\(\((.*)\)\)$/, '($1)');
  const nm = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (nm) return nm[1];
  if (url.startsWith('node:')) return 'node (built-in)';
  const own = /\/(src|dialogs|scripts)\//.exec(url);
  return own ? `app: ${own[1]}/` : url;
}

function frameKey(f: CallFrame): string {
  const file = f.url.replace(/^.*node_modules\//, '').replace(/^.*?\/(src|dialogs|dist)\//, '$1/');
  return `${f.functionName || '(anonymous)'} ${file ? `${file}:${f.lineNumber + 1}` : ''}`.trim();
}

export function summarise(profile: Profile, top = 15, grep?: RegExp): string {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const stackOf = (id: number): CallFrame[] => {
    const frames: CallFrame[] = [];
    for (let cur: number | undefined = id; cur !== undefined; cur = parent.get(cur)) {
      const f = byId.get(cur)?.callFrame;
      if (f) frames.push(f);
    }
    return frames;
  };
  // Start-up (module loading, model training) is not turn cost: samples before the first one inside
  // CloudAdapter.process (the echo bot's first request) or the edge's EdgeAdapter.processValidated (the
  // MinID server's) are left out.
  const firstTurn = profile.samples.findIndex((id) =>
    stackOf(id).some(
      (f) =>
        (f.functionName === 'process' && f.url.endsWith('cloudAdapter.js')) ||
        (f.functionName === 'processValidated' && f.url.endsWith('edgeAdapter.js')),
    ),
  );
  const from = Math.max(0, firstTurn);
  const startupUs = profile.timeDeltas.slice(0, from).reduce((a, b) => a + b, 0);
  const samples = profile.samples.slice(from);
  const deltas = profile.timeDeltas.slice(from);
  const self = new Map<number, number>();
  samples.forEach((id, i) => self.set(id, (self.get(id) ?? 0) + (deltas[i] ?? 0)));

  let idle = 0;
  let total = 0;
  const byPackage = new Map<string, number>();
  const byFunction = new Map<string, number>();
  const inclusive = new Map<string, number>();
  const add = (m: Map<string, number>, k: string, v: number) => m.set(k, (m.get(k) ?? 0) + v);
  for (const [id, us] of self) {
    const node = byId.get(id);
    if (!node) continue;
    if (node.callFrame.functionName === '(idle)') {
      idle += us;
      continue;
    }
    total += us;
    add(byPackage, packageOf(node.callFrame.url, node.callFrame.functionName), us);
    add(byFunction, frameKey(node.callFrame), us);
  }
  // Inclusive time: every sample once per distinct function on its stack.
  samples.forEach((id, i) => {
    const us = deltas[i] ?? 0;
    if (byId.get(id)?.callFrame.functionName === '(idle)') return;
    const seen = new Set<string>();
    for (const f of stackOf(id)) {
      if (f.functionName === '(root)') continue;
      const k = frameKey(f);
      if (!seen.has(k)) {
        seen.add(k);
        add(inclusive, k, us);
      }
    }
  });
  const pct = (v: number) => `${((100 * v) / total).toFixed(1).padStart(5)} %`;
  const list = (m: Map<string, number>, n: number) =>
    [...m]
      .sort((a, b) => b[1] - a[1])
      .slice(0, n)
      .map(([k, v]) => `  ${pct(v)}  ${k}`)
      .join('\n');
  return [
    `start-up left out: ${(startupUs / 1000).toFixed(0)} ms before the first request`,
    `busy ${(total / 1000).toFixed(0)} ms, idle ${(idle / 1000).toFixed(0)} ms (${((100 * idle) / (idle + total)).toFixed(0)} % idle)`,
    'self time by package:',
    list(byPackage, top),
    'self time by function:',
    list(byFunction, top),
    'inclusive time by function (a sample counts once per function on its stack):',
    list(inclusive, top * 2),
    ...(grep
      ? [
          `inclusive time of functions matching ${grep}:`,
          list(new Map([...inclusive].filter(([k]) => grep.test(k))), top),
        ]
      : []),
  ].join('\n');
}

if (require.main === module) {
  const args = process.argv.slice(2);
  const g = args.indexOf('--grep');
  const grep = g >= 0 ? new RegExp(args.splice(g, 2)[1], 'i') : undefined;
  const files = args;
  if (!files.length) {
    console.error('usage: profile-summary.ts <file.cpuprofile>...');
    process.exit(1);
  }
  for (const file of files) {
    console.log(`== ${file}`);
    console.log(summarise(JSON.parse(readFileSync(file, 'utf8')) as Profile, 15, grep));
  }
}
