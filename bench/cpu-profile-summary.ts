// `npx tsx bench/cpu-profile-summary.ts FILE.cpuprofile [--top N]`: where a V8 CPU profile (from
// `node --cpu-prof`) spent its samples: top functions by self time, and self time grouped by
// package (postgres.js, ioredis, bullmq, undici, hono...), node internals, GC and idle.
// `--callers NAME` also lists the call paths (nearest JS frames first) that led to NAME's self time.
import { readFileSync } from 'node:fs';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  hitCount?: number;
  children?: number[];
}
interface Profile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
  startTime: number;
  endTime: number;
}

function group(url: string, name: string): string {
  if (name === '(garbage collector)') return 'GC';
  if (name === '(idle)') return 'idle';
  if (name === '(program)') return 'V8/native (program)';
  const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (pkg) return pkg[1] as string;
  if (url.startsWith('node:') || (url === '' && name !== '')) return 'node internals / native';
  if (url.includes('/dist/main.js') || url.includes('/src/') || url.includes('/providers/'))
    return 'gateway code';
  return url ? 'other' : 'native';
}

const [file, ...rest] = process.argv.slice(2);
if (!file) {
  console.error('usage: tsx bench/cpu-profile-summary.ts FILE.cpuprofile [--top N]');
  process.exit(2);
}
const option = (name: string) => (rest.includes(name) ? rest[rest.indexOf(name) + 1] : undefined);
const top = Number(option('--top') ?? 25) || 25;
const callersOf = option('--callers');
const profile = JSON.parse(readFileSync(file, 'utf8')) as Profile;
const byId = new Map(profile.nodes.map((node) => [node.id, node]));
const selfUs = new Map<number, number>();
profile.samples.forEach((id, index) => {
  selfUs.set(id, (selfUs.get(id) ?? 0) + (profile.timeDeltas[index] ?? 0));
});
const totalUs = profile.endTime - profile.startTime;
let busyUs = 0;
const byFunction = new Map<string, number>();
const byGroup = new Map<string, number>();
for (const [id, us] of selfUs) {
  const node = byId.get(id);
  if (!node) continue;
  const { functionName, url, lineNumber } = node.callFrame;
  const name = functionName || '(anonymous)';
  const where = url
    ? `${url.replace(/^.*node_modules\//, '').replace(/^file:\/\/.*\/(dist|src|providers)\//, '$1/')}:${lineNumber + 1}`
    : '';
  const key = `${name} ${where}`.trim();
  byFunction.set(key, (byFunction.get(key) ?? 0) + us);
  const g = group(url, functionName);
  byGroup.set(g, (byGroup.get(g) ?? 0) + us);
  if (g !== 'idle') busyUs += us;
}
const ms = (us: number) => (us / 1000).toFixed(0).padStart(7);
const share = (us: number) => `${((us / busyUs) * 100).toFixed(1)}%`.padStart(6);
console.log(
  `${file}: ${(totalUs / 1e6).toFixed(1)} s profiled, ${(busyUs / 1e6).toFixed(1)} s busy (${((busyUs / totalUs) * 100).toFixed(0)}%)`,
);
console.log('\nself time by package (share of busy time):');
for (const [name, us] of [...byGroup].filter(([g]) => g !== 'idle').sort((a, b) => b[1] - a[1])) {
  console.log(`${ms(us)} ms ${share(us)}  ${name}`);
}
console.log(`\ntop ${top} functions by self time:`);
for (const [name, us] of [...byFunction]
  .sort((a, b) => b[1] - a[1])
  .filter(([n]) => !n.startsWith('(idle)'))
  .slice(0, top)) {
  console.log(`${ms(us)} ms ${share(us)}  ${name}`);
}

if (callersOf) {
  const parent = new Map<number, number>();
  for (const node of profile.nodes) for (const child of node.children ?? []) parent.set(child, node.id);
  const label = (id: number) => {
    const frame = byId.get(id)?.callFrame;
    if (!frame) return '?';
    const where = frame.url
      .replace(/^.*node_modules\//, '')
      .replace(/^file:\/\/.*\/(dist|src|providers)\//, '$1/');
    return `${frame.functionName || '(anonymous)'}${where ? ` ${where}:${frame.lineNumber + 1}` : ''}`;
  };
  const paths = new Map<string, number>();
  for (const [id, us] of selfUs) {
    if (byId.get(id)?.callFrame.functionName !== callersOf) continue;
    const chain: string[] = [];
    // The nearest frames outside node's own modules: who asked for the work.
    for (let at = parent.get(id); at !== undefined && chain.length < 3; at = parent.get(at)) {
      if (!byId.get(at)?.callFrame.url.startsWith('node:')) chain.push(label(at));
    }
    const key = chain.join(' < ');
    paths.set(key, (paths.get(key) ?? 0) + us);
  }
  console.log(`\ncall paths into ${callersOf} (nearest caller first):`);
  for (const [path, us] of [...paths].sort((a, b) => b[1] - a[1]).slice(0, top)) {
    console.log(`${ms(us)} ms ${share(us)}  ${path}`);
  }
}
