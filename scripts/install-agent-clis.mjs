// Installs the agent CLIs the e2e tests drive (test/agents/*.e2e.test.ts) into
// .cache/agent-clis/, pinned to the versions the adapters were tested against.
// They are large (hundreds of MB together) so they stay out of pwt's own
// dependencies. The cache has its own package.json: npm 11 blocks dependency
// install scripts unless the project's `allowScripts` lists them, and claude-code
// and opencode-ai link their native binary in a postinstall script.
//
// Usage: node scripts/install-agent-clis.mjs [--force]   (npm run agents:install)
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
export const cacheDir = join(root, '.cache', 'agent-clis');

/** Pinned versions (also in docs/agents.md). Bump one, run the e2e tests, then commit. */
export const PINNED = {
  '@anthropic-ai/claude-code': '2.1.197',
  '@openai/codex': '0.169.0',
  '@google/gemini-cli': '0.61.0',
  '@github/copilot': '1.0.102',
  'opencode-ai': '1.18.33',
  '@mariozechner/pi-coding-agent': '0.73.1',
};

/** Packages whose install script must run (it links or unpacks the real binary). */
const ALLOW_SCRIPTS = { '@anthropic-ai/claude-code': true, 'opencode-ai': true };

const manifest = {
  name: 'pwt-agent-clis',
  private: true,
  description: 'Agent CLIs for the pwt e2e tests (scripts/install-agent-clis.mjs writes this file)',
  dependencies: PINNED,
  allowScripts: ALLOW_SCRIPTS,
};

function installedVersion(pkg) {
  const file = join(cacheDir, 'node_modules', ...pkg.split('/'), 'package.json');
  if (!existsSync(file)) return null;
  try {
    return JSON.parse(readFileSync(file, 'utf8')).version ?? null;
  } catch {
    return null;
  }
}

function upToDate() {
  return Object.entries(PINNED).every(([pkg, version]) => installedVersion(pkg) === version);
}

const force = process.argv.includes('--force');
if (!force && upToDate()) {
  console.error(`agent CLIs up to date in ${cacheDir}`);
  process.exit(0);
}

mkdirSync(cacheDir, { recursive: true });
writeFileSync(join(cacheDir, 'package.json'), `${JSON.stringify(manifest, null, 2)}\n`);
console.error(`installing ${Object.keys(PINNED).length} agent CLIs into ${cacheDir} ...`);
const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
const result = spawnSync(npm, ['install', '--no-audit', '--no-fund', '--no-save', '--no-package-lock', '--loglevel=error'], {
  cwd: cacheDir,
  stdio: 'inherit',
});
if (result.status !== 0) {
  console.error('npm install of the agent CLIs failed');
  process.exit(result.status ?? 1);
}
const missing = Object.entries(PINNED).filter(([pkg, version]) => installedVersion(pkg) !== version);
if (missing.length > 0) {
  console.error(`not installed as pinned: ${missing.map(([p, v]) => `${p}@${v}`).join(', ')}`);
  process.exit(1);
}
console.error('agent CLIs installed');
