// `.pwt.json` "copy" against installing: a session that gets node_modules
// copied from the main worktree by `pwt create`, against `npm install` from the lockfile in a fresh
// worktree. The node_modules is a real one of ~20k files: the dependencies of
// the pinned agent CLIs (`npm run agents:install` first: it fills the npm
// cache, so `npm install --offline` here needs no network). Install scripts are
// off on both sides, so both produce the same tree.
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { CLI, makeRepo, world } from './lib.mjs';

const agentsManifest = new URL('../.cache/agent-clis/package.json', import.meta.url).pathname;
if (!existsSync(agentsManifest)) {
  console.error('copy bench: run npm run agents:install first (its dependency set is the ~20k-file node_modules measured here)');
  process.exit(1);
}
const cache = execFileSync('npm', ['config', 'get', 'cache'], { encoding: 'utf8' }).trim();
const w = world();
const npmEnv = { npm_config_cache: cache, npm_config_offline: 'true', npm_config_ignore_scripts: 'true', npm_config_audit: 'false', npm_config_fund: 'false' };
const main = makeRepo(w, 'app', 100);
const { dependencies } = JSON.parse(readFileSync(agentsManifest, 'utf8'));
writeFileSync(join(main, 'package.json'), `${JSON.stringify({ name: 'app', private: true, dependencies }, null, 2)}\n`);
writeFileSync(join(main, '.gitignore'), '.env\nnode_modules/\n');
writeFileSync(join(main, '.pwt.json'), `${JSON.stringify({ copy: ['node_modules'] })}\n`);
w.run('npm', ['install', '--loglevel=error'], main, npmEnv);
w.run('git', ['add', '.'], main);
w.run('git', ['commit', '--quiet', '-m', 'deps'], main);

function count(dir) {
  let n = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) n += entry.isDirectory() ? 1 + count(join(dir, entry.name)) : 1;
  return n;
}
const files = count(join(main, 'node_modules'));
const ms = (fn) => {
  const start = process.hrtime.bigint();
  fn();
  return Number(process.hrtime.bigint() - start) / 1e6;
};
const sessions = join(w.root, 'app-sessions');

const rows = [];
for (let i = 1; i <= 1; i++) {
  const copied = ms(() => w.run(process.execPath, [CLI, 'create', `copy${i}`], main));
  const plain = join(sessions, `npm${i}`);
  const added = ms(() => w.run('git', ['worktree', 'add', '--quiet', '-b', `session/npm${i}`, plain], main));
  const installed = ms(() => w.run('npm', ['install', '--loglevel=error'], plain, npmEnv));
  const cpDir = join(w.root, `cp${i}`);
  const cp = ms(() => w.run('cp', ['-a', '--reflink=auto', join(main, 'node_modules'), cpDir]));
  if (!statSync(join(sessions, `copy${i}`, 'node_modules')).isDirectory()) throw new Error('the copy did not happen');
  rows.push({ copied, added, installed, cp });
}
const fs = execFileSync('stat', ['-f', '-c', '%T', w.root], { encoding: 'utf8' }).trim();
console.log(`node_modules: ${files} files and folders (${dependencies ? Object.keys(dependencies).length : 0} top-level packages), filesystem ${fs}`);
console.log('| run | pwt create with copy: [node_modules] | git worktree add + npm install --offline (lockfile) | ratio | cp -a --reflink=auto alone |');
console.log('| --- | --- | --- | --- | --- |');
for (const [i, row] of rows.entries()) {
  console.log(
    `| ${i + 1} | ${Math.round(row.copied)} ms | ${Math.round(row.added + row.installed)} ms (npm ${Math.round(row.installed)} ms) | ${(row.copied / (row.added + row.installed)).toFixed(2)}x | ${Math.round(row.cp)} ms |`,
  );
}
execFileSync('rm', ['-rf', w.root]);
