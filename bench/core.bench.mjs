// Issue 2's speed goals: path, create and concurrent creates, each against
// a plain baseline measured in the same run (status: status.bench.mjs).
import { spawn } from 'node:child_process';
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { CLI, size, compare, makeRepo, row, timeAsync, world } from './lib.mjs';

const w = world();
const node = process.execPath;
const pwt = (args, cwd) => w.run(node, [CLI, ...args], cwd);

// 1. `pwt path x` vs `node -e 0`.
{
  const repo = makeRepo(w, 'small', 10);
  pwt(['create', 'x'], repo);
  const { base, ours } = compare(
    () => w.run(node, ['-e', '0'], repo),
    () => pwt(['path', 'x'], repo),
    30,
  );
  row('pwt path x', ours, 'node -e 0', base, 1.5);
}

// 2. `pwt create` vs `git worktree add` + env copy, on a 10k-file repo.
{
  const repo = makeRepo(w, 'big', 10_000);
  const script = join(w.root, 'plain-create.sh');
  writeFileSync(script, 'set -e\ngit worktree add --quiet -b "plain/$1" "../big-plain/$1" HEAD\ncp -p .env "../big-plain/$1/.env"\n');
  const { base, ours } = compare(
    (i) => w.run('sh', [script, `p${i}`], repo),
    (i) => pwt(['create', `c${i}`], repo),
    size(3, 7),
  );
  row('pwt create (10k files)', ours, 'git worktree add + cp .env', base, 1.3);
}

// 3. Concurrent creates (50; 20 without BENCH_FULL) vs as many sequential ones.
const MANY = size(20, 50);
{
  const seqRepo = makeRepo(w, 'seq', 100);
  const parRepo = makeRepo(w, 'par', 100);
  const sequential = await timeAsync(async () => {
    for (let i = 0; i < MANY; i++) await run(['create', `q${i}`], seqRepo);
  });
  let failures = 0;
  const concurrent = await timeAsync(async () => {
    const codes = await Promise.all(Array.from({ length: MANY }, (_, i) => run(['create', `q${i}`], parRepo)));
    failures = codes.filter((code) => code !== 0).length;
  });
  const registered = JSON.parse(pwt(['status', '--json'], parRepo)).sessions.length;
  row(`${MANY} concurrent pwt create`, concurrent, `${MANY} sequential pwt create`, sequential);
  console.log(`concurrent creates: ${MANY - failures}/${MANY} succeeded, ${registered} registered (target: all)`);
}

rmSync(w.root, { recursive: true, force: true });

function run(args, cwd) {
  return new Promise((resolve) => {
    const child = spawn(node, [CLI, ...args], { cwd, env: w.env, stdio: 'ignore' });
    child.on('close', (code) => resolve(code));
  });
}
