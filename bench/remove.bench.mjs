// What zx costs `pwt remove` (open, sync and the end-of-session commands run
// git and gh through zx's $): each strategy timed with zx (the default) and
// with PWT_ZX=0 (git and gh spawned directly), alternating, on a clone of a
// local bare origin, with a stand-in gh. For scale: a plain `git push` of a
// branch to the same local origin (a push over the network takes far longer).
import { chmodSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { CLI, size, compare, time, world } from './lib.mjs';

const w = world();
const node = process.execPath;
const origin = join(w.root, 'app.git');
w.run('git', ['init', '--quiet', '--bare', '--initial-branch=main', origin], w.root);
const main = join(w.root, 'app');
w.run('git', ['clone', '--quiet', origin, main], w.root);
for (let i = 0; i < 100; i++) writeFileSync(join(main, `file${i}.txt`), `line ${i}\n`);
w.run('git', ['add', '.'], main);
w.run('git', ['commit', '--quiet', '-m', 'init'], main);
w.run('git', ['push', '--quiet', 'origin', 'main'], main);

const bin = join(w.root, 'bin');
mkdirSync(bin);
writeFileSync(join(bin, 'gh'), '#!/bin/sh\ncase "$1 $2" in "pr create") echo "https://github.com/example/app/pull/1";; esac\nexit 0\n');
chmodSync(join(bin, 'gh'), 0o755);
const env = { PATH: `${bin}:${process.env.PATH}` };
const pwt = (args, extra = {}) => w.run(node, [CLI, ...args], main, { ...env, ...extra });

const RUNS = size(3, 7);
/** Sessions with one commit each, made before the clock starts. */
function sessions(prefix) {
  for (let i = 0; i <= RUNS; i++) {
    pwt(['create', `${prefix}${i}`]);
    const path = join(`${main}-sessions`, `${prefix}${i}`);
    writeFileSync(join(path, `${prefix}${i}.txt`), 'work\n');
    w.run('git', ['add', '.'], path);
    w.run('git', ['commit', '--quiet', '-m', 'work'], path);
  }
}

const rows = [];
for (const strategy of ['keep', 'merge', 'pr']) {
  // The merges went into main: push it, or a pull request would carry them (pwt refuses that).
  if (strategy === 'pr') w.run('git', ['push', '--quiet', 'origin', 'main'], main);
  sessions(`d${strategy}`);
  sessions(`z${strategy}`);
  const { base, ours } = compare(
    (i) => pwt(['remove', `d${strategy}${i}`, '--strategy', strategy], { PWT_ZX: '0' }),
    (i) => pwt(['remove', `z${strategy}${i}`, '--strategy', strategy]),
    RUNS,
  );
  rows.push([strategy, ours, base]);
}
let n = 0;
const push = time(() => {
  w.run('git', ['branch', `push${n}`, 'main'], main);
  w.run('git', ['push', '--quiet', 'origin', `push${n++}`], main);
}, RUNS);

for (const [strategy, zx, direct] of rows) {
  console.log(
    `pwt remove --strategy ${strategy.padEnd(6)} with zx ${zx.toFixed(0).padStart(5)} ms   direct (PWT_ZX=0) ${direct.toFixed(0).padStart(5)} ms   zx adds ${(zx - direct).toFixed(0).padStart(4)} ms`,
  );
}
console.log(`for scale: git push of a branch to a local bare origin ${push.toFixed(0)} ms (over a network: typically 0.5-2 s)`);
