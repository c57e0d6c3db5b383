// `npm run bench`: runs every bench/*.bench.mjs in turn (after the build).
// Each prints its own figures; numbers are ratios measured in one run on this
// machine, so they compare like with like. Each bench's duration and the load
// average when it ended are printed too: on a shared machine, read the
// figures with the load they were measured under.
import { readdirSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { FULL, loadAverage } from './lib.mjs';

// Minutes each on a 2-core machine (set-ups of thousands of files, npm installs, 2-second checks, 50 sessions
// created one by one): run by BENCH_FULL=1 npm run bench, or by name (npm run bench core).
const FULL_ONLY = ['copy', 'core', 'land', 'mcp', 'remove'];

const only = process.argv.slice(2);
const files = readdirSync(new URL('.', import.meta.url))
  .filter((file) => file.endsWith('.bench.mjs'))
  .filter((file) => (only.length === 0 ? FULL || !FULL_ONLY.some((name) => file === `${name}.bench.mjs`) : only.some((name) => file.includes(name))))
  .sort();
if (only.length === 0 && !FULL) console.log(`not run (BENCH_FULL=1 or by name, several minutes each): ${FULL_ONLY.join(', ')}`);
let failed = 0;
const started = Date.now();
console.log(`bench run ${new Date().toISOString()}, load average ${loadAverage()}`);
for (const file of files) {
  console.log(`\n## ${file}\n`);
  const start = Date.now();
  const result = spawnSync(process.execPath, [new URL(file, import.meta.url).pathname], { stdio: 'inherit' });
  if (result.status !== 0) failed++;
  console.log(`(${file}: ${((Date.now() - start) / 1000).toFixed(0)} s, load average ${loadAverage()})`);
}
console.log(`\nall benches: ${((Date.now() - started) / 1000).toFixed(0)} s${failed ? `, ${failed} failed` : ''}`);
process.exit(failed ? 1 : 0);
