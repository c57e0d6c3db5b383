import { afterEach, describe, expect, it } from 'vitest';
import { chmodSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { commitFile, makeProject, parseJson, type Project } from './helpers/sandbox.js';
import { installFakeGh } from './helpers/fake-gh.js';

let project: Project;
afterEach(() => project?.sandbox.cleanup(), 60_000);

/**
 * A remote reached through a stand-in ssh (core.sshCommand): it refuses the
 * connection the first FLAKY_FAILS times, like a network that drops, then
 * runs the real git-receive-pack on the local bare repository. Each attempt
 * is counted in a file.
 */
function flakyRemote(p: Project, fails: number, message = 'ssh: connect to host flaky port 22: Connection refused'): { attempts: () => number } {
  const counter = join(p.sandbox.root, 'ssh-attempts');
  const script = join(p.sandbox.root, 'flaky-ssh');
  writeFileSync(
    script,
    `#!/bin/sh
n=$(cat "${counter}" 2>/dev/null || echo 0); n=$((n + 1)); echo "$n" > "${counter}"
if [ "$n" -le ${fails} ]; then echo "${message}" >&2; exit 255; fi
for command; do :; done
exec sh -c "$command"
`,
  );
  chmodSync(script, 0o755);
  p.sandbox.git(p.main, 'config', 'core.sshCommand', script);
  // Tell git what kind of ssh this is, or it first probes an unknown one with `-G` (git-config(1), ssh.variant).
  p.sandbox.git(p.main, 'config', 'ssh.variant', 'simple');
  p.sandbox.git(p.main, 'remote', 'set-url', 'origin', `flaky:${p.origin}`);
  return { attempts: () => (existsSync(counter) ? Number(readFileSync(counter, 'utf8').trim()) : 0) };
}

function sessionWithWork(): Project {
  project = makeProject();
  const { sandbox, main, sessionsDir } = project;
  sandbox.pwt(main, ['create', 'feat', '--goal', 'Ship it']);
  commitFile(sandbox, join(sessionsDir, 'feat'), 'feature.txt', 'feature\n');
  return project;
}

describe('pwt remove --strategy pr: the push through zx', () => {
  it('tries a push that failed on the way again, and the PR is opened', () => {
    const p = sessionWithWork();
    const remote = flakyRemote(p, 1);
    const gh = installFakeGh(p.sandbox);
    const result = p.sandbox.pwt(p.main, ['remove', 'feat', '--strategy', 'pr', '--json'], gh.env);
    expect(result.code).toBe(0);
    expect(remote.attempts()).toBe(2);
    expect(parseJson(result.stdout).actions.find((action: any) => action.op === 'push')).toMatchObject({ attempts: 2 });
    expect(p.sandbox.git(p.origin, 'rev-parse', 'session/feat')).toBe(p.sandbox.git(p.main, 'rev-parse', 'session/feat'));
    expect(gh.calls().some((call) => call[0] === 'pr' && call[1] === 'create')).toBe(true);
  }, 60_000);

  it('gives up after three tries (exit 3, the session stays), and never retries a push that was refused', () => {
    const p = sessionWithWork();
    const remote = flakyRemote(p, 99);
    const gh = installFakeGh(p.sandbox);
    const down = p.sandbox.pwt(p.main, ['remove', 'feat', '--strategy', 'pr'], gh.env);
    expect(down.code).toBe(3);
    expect(down.stderr).toMatch(/Connection refused/);
    expect(remote.attempts()).toBe(3);
    expect(existsSync(join(p.sessionsDir, 'feat'))).toBe(true);
    expect(gh.calls().some((call) => call[0] === 'pr')).toBe(false);

    // A refusal is an answer: the remote's own hook says no, once.
    writeFileSync(join(p.origin, 'hooks', 'pre-receive'), '#!/bin/sh\necho "pushes are frozen" >&2\nexit 1\n');
    chmodSync(join(p.origin, 'hooks', 'pre-receive'), 0o755);
    writeFileSync(join(p.sandbox.root, 'ssh-attempts'), '99\n');
    const refused = p.sandbox.pwt(p.main, ['remove', 'feat', '--strategy', 'pr'], gh.env);
    expect(refused.code).toBe(3);
    expect(refused.stderr).toMatch(/pushes are frozen/);
    expect(remote.attempts()).toBe(100);
  }, 60_000);
});
