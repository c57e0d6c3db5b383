// Runs on `npm ci` / `npm install`: builds dist/ so `pwt` works straight away,
// and, in a git checkout of pwt itself, installs the developers' own hooks.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';

const run = (cmd, args) => spawnSync(cmd, args, { stdio: 'inherit', shell: process.platform === 'win32' });
const build = run('npm', ['run', '--silent', 'build']);
if (build.status !== 0) process.exit(build.status ?? 1);
// Not for `npm pack` (prepare runs before it too): packing changes no git hooks.
if (process.env.npm_command !== 'pack' && existsSync('.git') && existsSync('node_modules/simple-git-hooks')) run('npx', ['--no-install', 'simple-git-hooks']);
