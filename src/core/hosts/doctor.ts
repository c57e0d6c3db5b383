import type { Check } from '../infra/check.js';
import { remoteUrl as remoteUrlOf } from '../git/operations.js';
import { packageVersion } from '../infra/package-root.js';
import { hostTimeoutMs, shPath, shQuote, sshRun } from '../ssh/ssh.js';
import type { Host } from './store.js';

/**
 * `pwt host doctor`: one ssh round trip that reports what pwt needs on a
 * host (ssh answers, git, tmux, the clone, its remote, the pwt there and
 * its version), each as a line of checks.
 */
function probeScript(host: Host, remote: string): string {
  return [
    `printf 'git\\t%s\\n' "$(git --version 2>/dev/null)"`,
    `printf 'tmux\\t%s\\n' "$(tmux -V 2>/dev/null)"`,
    `if cd -- ${shPath(host.repo)} 2>/dev/null && git rev-parse --git-dir >/dev/null 2>&1; then`,
    `  printf 'repo\\tok\\n'`,
    `  printf 'remote\\t%s\\n' "$(git remote get-url ${shQuote(remote)} 2>/dev/null)"`,
    `  printf 'pwt\\t%s\\n' "$(${host.pwt} --version 2>/dev/null </dev/null)"`,
    `else printf 'repo\\tmissing\\n'; fi`,
  ].join('\n');
}

/** A remote URL without the differences that do not change the repository. */
const sameRepo = (a: string, b: string) => {
  const norm = (url: string) =>
    url
      .trim()
      .replace(/\/+$/, '')
      .replace(/\.git$/, '');
  return norm(a) === norm(b);
};

export async function hostChecks(host: Host, local: { cwd: string; remote: string }): Promise<Check[]> {
  const [result, localUrl] = await Promise.all([
    sshRun(host, probeScript(host, local.remote), { timeoutMs: hostTimeoutMs() + 5_000 }),
    remoteUrlOf(local.cwd, local.remote),
  ]);
  if (result.timedOut || result.code === 255) {
    const why = result.timedOut ? 'no answer in time' : result.stderr.trim().split('\n').at(-1) || 'ssh could not connect';
    return [
      {
        name: 'ssh',
        level: 'fail',
        detail: `${host.destination}: ${why}`,
        fix: `Check that \`ssh ${host.destination}\` works without a password prompt (keys or agent), then run this again.`,
      },
    ];
  }
  const facts = new Map(
    result.stdout
      .split('\n')
      .filter((line) => line.includes('\t'))
      .map((line) => [line.slice(0, line.indexOf('\t')), line.slice(line.indexOf('\t') + 1).trim()] as const),
  );
  const checks: Check[] = [{ name: 'ssh', level: 'ok', detail: host.destination }];
  const git = facts.get('git');
  checks.push(
    git
      ? { name: 'git', level: 'ok', detail: git }
      : { name: 'git', level: 'fail', detail: 'not found on the host', fix: `Install git on ${host.destination}.` },
  );
  const tmux = facts.get('tmux');
  checks.push(
    tmux
      ? { name: 'tmux', level: 'ok', detail: tmux }
      : { name: 'tmux', level: 'warn', detail: 'not found on the host: agents cannot run there', fix: `Install tmux on ${host.destination}.` },
  );
  if (facts.get('repo') !== 'ok') {
    checks.push({
      name: 'clone',
      level: 'fail',
      detail: `no git repository at ${host.repo}`,
      fix: `Clone the repository to ${host.repo} on ${host.destination}.`,
    });
    return checks;
  }
  checks.push({ name: 'clone', level: 'ok', detail: host.repo });
  const remoteUrl = facts.get('remote') ?? '';
  if (!remoteUrl)
    checks.push({
      name: 'remote',
      level: 'fail',
      detail: `the clone has no remote "${local.remote}"`,
      fix: `Add it there: git -C ${host.repo} remote add ${local.remote} <url>`,
    });
  else if (localUrl && !sameRepo(remoteUrl, localUrl))
    checks.push({
      name: 'remote',
      level: 'warn',
      detail: `${local.remote} is ${remoteUrl} there and ${localUrl} here`,
      fix: 'Both clones must share one remote for branches to travel between them.',
    });
  else checks.push({ name: 'remote', level: 'ok', detail: `${local.remote} ${remoteUrl}` });
  const version = facts.get('pwt') ?? '';
  if (!version)
    checks.push({
      name: 'pwt',
      level: 'fail',
      detail: `\`${host.pwt} --version\` failed there`,
      fix:
        `Install pwt ${packageVersion()} on ${host.destination} (npm install -g ` +
        `parallel-worktrees@${packageVersion()}), or give its command: pwt host add ... --pwt '<command>'`,
    });
  else if (version !== packageVersion())
    checks.push({
      name: 'pwt',
      level: 'fail',
      detail: `${version} there, ${packageVersion()} here`,
      fix: `Install pwt ${packageVersion()} on ${host.destination}: npm install -g parallel-worktrees@${packageVersion()}`,
    });
  else checks.push({ name: 'pwt', level: 'ok', detail: `${version} (${host.pwt})` });
  return checks;
}
