// Issue 4's hook cost: what pwt's post-checkout adds to a `git checkout`,
// outside the sessions dir (target: < 5 ms more, and no Node started) and
// inside a session (Node starts and records the branch change). Run after
// `npm run build`. Proof that no Node starts: the installed dispatcher's node
// is swapped for a wrapper that counts its starts.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { CLI, size, makeRepo, time, world } from './lib.mjs';

const w = world();
const node = process.execPath;
const pwt = (args, cwd, extra) => w.run(node, [CLI, ...args], cwd, extra);

/** Alternates between two branches so every call is a real branch checkout. */
const checkouts = (cwd, a, b) => (i) => w.run('git', ['checkout', '--quiet', i % 2 ? a : b], cwd);

/**
 * Medians of interleaved runs (one of each per round), so load from other
 * processes on the machine hits every variant alike.
 */
function interleaved(fns, rounds) {
  const samples = fns.map(() => []);
  for (let round = 0; round <= rounds; round++) {
    // Rotate the order each round so no variant always runs first.
    for (let j = 0; j < fns.length; j++) {
      const k = (j + round) % fns.length;
      const start = process.hrtime.bigint();
      fns[k](round);
      if (round > 0) samples[k].push(Number(process.hrtime.bigint() - start) / 1e6);
    }
  }
  return samples.map((list) => list.sort((a, b) => a - b)[Math.floor(list.length / 2)]);
}

// Three identical repos: no hook, a hook that only starts sh (git's own cost
// of running any hook), and pwt's hooks. Each has a session to check out in.
function repoWithSession(name) {
  const dir = makeRepo(w, name, 500);
  w.run('git', ['branch', 'other'], dir);
  pwt(['create', 's'], dir);
  const session = join(w.root, `${name}-sessions`, 's');
  w.run('git', ['branch', 's-alt'], session);
  return { dir, session };
}
const plain = repoWithSession('plain');
const trivial = repoWithSession('trivial');
writeFileSync(join(trivial.dir, '.git', 'hooks', 'post-checkout'), '#!/bin/sh\nexit 0\n', { mode: 0o755 });
const app = repoWithSession('app');
pwt(['hooks', 'install'], app.dir);
const repo = app.dir;
const session = app.session;

const [noneOutside, shOutside, hooksOutside] = interleaved(
  [plain, trivial, app].map((r) => checkouts(r.dir, 'other', 'main')),
  size(40, 100),
);
const [noneInside, hooksInside] = interleaved(
  [plain, app].map((r) => checkouts(r.session, 's-alt', 'session/s')),
  size(5, 10),
);

// Count Node starts: point the dispatcher at a wrapper that logs, then runs node.
const dispatcher = join(repo, '.git', 'pwt', 'hooks.sh');
const counter = join(w.root, 'node-starts.log');
const wrapper = join(w.root, 'counting-node');
writeFileSync(wrapper, `#!/bin/sh\necho start >> '${counter}'\nexec '${node}' "$@"\n`, { mode: 0o755 });
writeFileSync(counter, '');
const original = readFileSync(dispatcher, 'utf8');
writeFileSync(dispatcher, original.replace(/^_pwt_node=.*$/m, `_pwt_node='${wrapper}'`));
const starts = () => readFileSync(counter, 'utf8').split('\n').filter(Boolean).length;
for (let i = 0; i < 10; i++) checkouts(repo, 'other', 'main')(i);
const outsideStarts = starts();
for (let i = 0; i < 2; i++) checkouts(session, 's-alt', 'session/s')(i);
const insideStarts = starts() - outsideStarts;
writeFileSync(dispatcher, original);
const trace = w.run('sh', ['-c', 'git checkout --quiet other 2>&1'], repo, { PWT_DEBUG: '1' }).trim();

const fmt = (ms) => `${ms.toFixed(1).padStart(7)} ms`;
const diffOutside = hooksOutside - noneOutside;
console.log(
  `checkout outside the sessions dir   no hooks ${fmt(noneOutside)}   pwt hooks ${fmt(hooksOutside)}   difference ${fmt(diffOutside)}  (target < 5 ms: ${diffOutside < 5 ? 'met' : 'MISSED'})`,
);
console.log(`  of which git starting any hook     a hook that is only \`exit 0\` ${fmt(shOutside)}   so pwt's own part ${fmt(hooksOutside - shOutside)}`);
console.log(
  `checkout inside a session           no hooks ${fmt(noneInside)}   pwt hooks ${fmt(hooksInside)}   difference ${fmt(hooksInside - noneInside)}  (Node starts, records the branch change)`,
);
console.log(`node starts: ${outsideStarts} in 10 checkouts outside (must be 0), ${insideStarts} in 2 checkouts inside a session`);
console.log(`PWT_DEBUG=1 trace outside: ${trace}`);
if (outsideStarts !== 0) {
  console.error('FAILED: the hook started Node outside the sessions dir');
  process.exit(1);
}
