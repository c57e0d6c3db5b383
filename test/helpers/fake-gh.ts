import { chmodSync, existsSync, mkdirSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import type { Sandbox } from './sandbox.js';
import { NODE } from './sandbox.js';

/**
 * A stand-in `gh` (the real one talks to GitHub, which tests cannot reach).
 * It records every call's arguments as one JSON line and behaves like gh for
 * what pwt uses:
 *   gh --version          prints a version
 *   gh auth status        exit 0, or 1 with gh's message when FAKE_GH_AUTH_FAIL=1
 *   gh pr create ...      prints https://github.com/example/app/pull/<n>; with
 *                         FAKE_GH_PR_FAIL=1 fails like a GraphQL error
 *   gh pr view URL --json state --jq .state
 *                         prints FAKE_GH_PR_STATE (default OPEN)
 *   gh pr list --head B --base X --state open --json url --jq '.[].url'
 *                         prints the URL of the last PR created for B into X
 *                         (none when FAKE_GH_PR_STATE is MERGED or CLOSED)
 * With FAKE_GH_KILL_AFTER_CREATE=1, gh pr create prints its URL and then kills
 * its parent (pwt) with SIGKILL: a cut after the PR exists, before pwt records it.
 */
export interface FakeGh {
  bin: string;
  logFile: string;
  /** Env for pwt: PATH with the stand-in first, the log file named. */
  env: NodeJS.ProcessEnv;
  calls(): string[][];
}

const SCRIPT = `
const { appendFileSync, readFileSync, existsSync } = require('node:fs');
const args = process.argv.slice(2);
const log = process.env.FAKE_GH_LOG;
if (log) appendFileSync(log, JSON.stringify(args) + '\\n');
const is = (...words) => words.every((word, i) => args[i] === word);
if (is('--version')) { console.log('gh version 2.99.0 (stand-in)'); process.exit(0); }
if (is('auth', 'status')) {
  if (process.env.FAKE_GH_AUTH_FAIL === '1') { console.error('You are not logged into any GitHub hosts. To log in, run: gh auth login'); process.exit(1); }
  console.error('github.com\\n  ✓ Logged in to github.com account tester (keyring)');
  process.exit(0);
}
if (is('pr', 'create')) {
  if (process.env.FAKE_GH_PR_FAIL === '1') { console.error('GraphQL: Something went wrong (createPullRequest)'); process.exit(1); }
  const calls = log && existsSync(log) ? readFileSync(log, 'utf8').split('\\n').filter((line) => line.startsWith('["pr","create"')).length : 1;
  console.log('https://github.com/example/app/pull/' + calls);
  if (process.env.FAKE_GH_KILL_AFTER_CREATE === '1') process.kill(process.ppid, 'SIGKILL');
  process.exit(0);
}
if (is('pr', 'list')) {
  const flag = (name) => args[args.indexOf(name) + 1];
  const state = process.env.FAKE_GH_PR_STATE || 'OPEN';
  const lines = log && existsSync(log) ? readFileSync(log, 'utf8').split('\\n').filter((line) => line.startsWith('["pr","create"')) : [];
  let found = 0;
  lines.forEach((line, i) => {
    const call = JSON.parse(line);
    const of = (name) => call[call.indexOf(name) + 1];
    if (of('--head') === flag('--head') && of('--base') === flag('--base')) found = i + 1;
  });
  if (found && state === 'OPEN') console.log('https://github.com/example/app/pull/' + found);
  process.exit(0);
}
if (is('pr', 'view')) { console.log(process.env.FAKE_GH_PR_STATE || 'OPEN'); process.exit(0); }
console.error('stand-in gh: unsupported command ' + args.join(' '));
process.exit(2);
`;

export function installFakeGh(sandbox: Sandbox): FakeGh {
  const bin = join(sandbox.root, 'fake-gh-bin');
  mkdirSync(bin, { recursive: true });
  const gh = join(bin, 'gh');
  // CommonJS body under an absolute node shebang: no PATH lookup for node.
  writeFileSync(join(bin, 'gh.cjs'), SCRIPT);
  writeFileSync(gh, `#!/bin/sh\nexec '${NODE}' '${join(bin, 'gh.cjs')}' "$@"\n`);
  chmodSync(gh, 0o755);
  const logFile = join(sandbox.root, 'gh-calls.jsonl');
  return {
    bin,
    logFile,
    env: { PATH: `${bin}${delimiter}${sandbox.env.PATH ?? ''}`, FAKE_GH_LOG: logFile },
    calls: () =>
      existsSync(logFile)
        ? readFileSync(logFile, 'utf8')
            .split('\n')
            .filter(Boolean)
            .map((line) => JSON.parse(line) as string[])
        : [],
  };
}

/** PATH without any folder that holds a `gh`, plus a folder with git and sh (which such folders may also hold). */
export function pathWithoutGh(sandbox: Sandbox): string {
  const shim = join(sandbox.root, 'no-gh-bin');
  mkdirSync(shim, { recursive: true });
  const dirs = (sandbox.env.PATH ?? '').split(delimiter).filter(Boolean);
  const kept = dirs.filter((dir) => !existsSync(join(dir, 'gh')));
  for (const tool of ['git', 'sh']) {
    const source = dirs.map((dir) => join(dir, tool)).find((file) => existsSync(file));
    if (source && !readdirSync(shim).includes(tool)) symlinkSync(source, join(shim, tool));
  }
  return [shim, ...kept].join(delimiter);
}
