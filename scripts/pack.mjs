// `npm pack` / `npm publish` hooks (prepack, postpack): the published
// package.json carries no scripts and no devDependencies, so installing
// parallel-worktrees never runs (or asks to allow) an install-time script;
// the repository's own `prepare` (build, developer git hooks) is for its
// developers only. postpack puts the full file back.
import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';

const file = 'package.json';
const backup = 'package.json.prepack';
const step = process.argv[2];
if (step === 'clean') {
  if (existsSync(backup)) throw new Error(`${backup} exists: a previous pack did not finish; move it back to ${file} first.`);
  const text = readFileSync(file, 'utf8');
  const pkg = JSON.parse(text);
  writeFileSync(backup, text);
  delete pkg.scripts;
  delete pkg.devDependencies;
  delete pkg['simple-git-hooks'];
  delete pkg.allowScripts;
  writeFileSync(file, `${JSON.stringify(pkg, null, 2)}\n`);
} else if (step === 'restore') {
  if (existsSync(backup)) renameSync(backup, file);
} else {
  throw new Error('usage: node scripts/pack.mjs clean|restore');
}
