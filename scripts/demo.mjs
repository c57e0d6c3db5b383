// `npm run demo`: a real lifecycle with the real CLI in a scratch repo.
// Creates two sessions with goals, commits in one, leaves the other dirty,
// shows `pwt status` (human and JSON) and says where everything is.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, realpathSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const cli = new URL('../dist/cli.cjs', import.meta.url).pathname;
const root = realpathSync(mkdtempSync(join(tmpdir(), 'pwt-demo-')));
const home = join(root, 'home');
execFileSync('mkdir', ['-p', home]);
writeFileSync(join(home, '.gitconfig'), '[user]\n\tname = Demo\n\temail = demo@example.test\n[init]\n\tdefaultBranch = main\n');
const env = { ...process.env, HOME: home, GIT_CONFIG_GLOBAL: join(home, '.gitconfig'), GIT_CONFIG_NOSYSTEM: '1' };
const repo = join(root, 'shop');

function sh(cmd, args, cwd, show = true) {
  if (show) console.log(`\n$ ${[cmd === process.execPath ? 'pwt' : cmd, ...(cmd === process.execPath ? args.slice(1) : args)].join(' ')}   # in ${cwd}`);
  const out = execFileSync(cmd, args, { cwd, env, encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
  if (show && out) process.stdout.write(out);
  return out;
}
const pwt = (args, cwd = repo) => sh(process.execPath, [cli, ...args], cwd);

execFileSync('mkdir', ['-p', repo]);
sh('git', ['init', '--quiet'], repo, false);
writeFileSync(join(repo, 'README.md'), '# shop\n');
writeFileSync(join(repo, '.gitignore'), '.env\n');
writeFileSync(join(repo, '.env'), 'API_KEY=demo\n');
sh('git', ['add', '.'], repo, false);
sh('git', ['commit', '--quiet', '-m', 'first commit'], repo, false);
console.log(`Scratch project: ${repo}`);

pwt(['create', 'checkout-flow', '--goal', 'Add a checkout page', '--goal', 'Cover it with tests']);
pwt(['create', 'fix-prices', '--goal', 'Round prices to cents']);

const checkout = pwt(['path', 'checkout-flow']).trim();
writeFileSync(join(checkout, 'checkout.md'), 'Checkout page\n');
sh('git', ['add', 'checkout.md'], checkout);
sh('git', ['commit', '--quiet', '-m', 'Add checkout page'], checkout);

const prices = pwt(['path', 'fix-prices']).trim();
writeFileSync(join(prices, 'README.md'), '# shop\nPrices are rounded to cents.\n');
console.log(`\n(edited ${join(prices, 'README.md')} and left it uncommitted)`);

pwt(['status']);
pwt(['status', '--json']);
pwt(['context', '--json'], prices);

console.log(`\nLeft things here:
  project (main worktree): ${repo}
  sessions:                ${join(root, 'shop-sessions')}
  manifest:                ${join(root, 'shop-sessions', '.manifest.json')}
Try: cd ${repo} && node ${cli} status
Remove it all with: rm -rf ${root}`);
