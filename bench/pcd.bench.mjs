// Issue 4's shell integration cost: a `pcd` round trip (into a session and
// back to the main worktree) in bash, against a plain `cd` round trip, each
// 50 times inside one bash process (timed with bash's own $EPOCHREALTIME, so
// bash's start-up is not counted). Also: the same two `pwt path` calls
// without the function (what the wrapper itself adds), and one TAB
// completion of `pcd `. Run after `npm run build`; `pwt` is a symlink to
// dist/cli.cjs, as `npm install -g` makes it.
import { mkdirSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { CLI, size, makeRepo, world } from './lib.mjs';

const ITERATIONS = size(20, 50);
const w = world();
const bin = join(w.root, 'bin');
mkdirSync(bin);
symlinkSync(CLI, join(bin, 'pwt'));
const env = { PATH: `${bin}:${w.env.PATH}` };

const repo = makeRepo(w, 'app', 200);
w.run(process.execPath, [CLI, 'create', 's'], repo);
const session = join(w.root, 'app-sessions', 's');

/** Runs `body` ITERATIONS times in one bash and returns the mean ms per iteration. */
function perIteration(body) {
  const script = [
    'set -u',
    'eval "$(pwt shell-init bash)"',
    `${body.replaceAll('\n', '; ')}`, // warm-up (file cache, first node start)
    't0=$EPOCHREALTIME',
    `for ((i = 0; i < ${ITERATIONS}; i++)); do ${body.replaceAll('\n', '; ')}; done`,
    't1=$EPOCHREALTIME',
    'echo "$t0 $t1"',
  ].join('\n');
  const out = w.run('bash', ['--norc', '--noprofile', '-c', script], repo, env).trim().split('\n').at(-1);
  const [t0, t1] = out.split(' ').map(Number);
  return ((t1 - t0) * 1000) / ITERATIONS;
}

const plain = perIteration(`builtin cd '${session}' >/dev/null\nbuiltin cd '${repo}'`);
const node = perIteration(`'${process.execPath}' -e 0\n'${process.execPath}' -e 0`);
const direct = perIteration('builtin cd "$(command pwt path s)"\nbuiltin cd "$(command pwt path)"');
const pcd = perIteration('pcd s\npcd');
const complete = perIteration('COMP_WORDS=(pcd ""); COMP_CWORD=1; _pwt_complete');

const line = (label, ms, extra = '') => console.log(`${label.padEnd(46)} ${ms.toFixed(3).padStart(9)} ms${extra}`);
line('plain cd round trip (cd s; cd main)', plain);
line('two `node -e 0` (Node start-up floor)', node);
line('pwt path round trip without the function', direct);
line(
  'pcd round trip (pcd s; pcd)',
  pcd,
  `   ratio vs plain cd ${(pcd / plain).toFixed(0)}x, vs pwt path ${(pcd / direct).toFixed(2)}x, vs node -e 0 ${(pcd / node).toFixed(2)}x`,
);
line('one pcd (half a round trip)', pcd / 2);
line('TAB completion of `pcd ` (one pwt call)', complete);
