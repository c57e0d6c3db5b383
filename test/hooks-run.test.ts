import { afterEach, describe, expect, it } from 'vitest';
import { mkdirSync, readFileSync, readdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { NODE, CLI, commitFile, makeProject, parseJson, type Project } from './helpers/sandbox.js';

let project: Project;
afterEach(() => project?.sandbox.cleanup(), 60_000);

function installed(): Project {
  project = makeProject();
  const result = project.sandbox.pwt(project.main, ['hooks', 'install']);
  expect(result.code, result.stderr).toBe(0);
  return project;
}

const manifest = (p: Project) => parseJson(readFileSync(join(p.sessionsDir, '.manifest.json'), 'utf8'));
const remoteMain = (p: Project) => p.sandbox.git(p.origin, 'rev-parse', 'refs/heads/main').trim();

describe('post-checkout hook', () => {
  it('registers a worktree made by plain git worktree add, visible in pwt status', () => {
    const { sandbox, main, sessionsDir } = installed();
    const add = sandbox.sh('git', ['worktree', 'add', '../app-sessions/x', '-b', 'session/x'], main);
    expect(add.code, add.stderr).toBe(0);
    expect(add.stderr).toMatch(/registered .*app-sessions\/x as session x/);
    const status = parseJson(sandbox.pwt(main, ['status', '--json']).stdout);
    expect(status.orphans).toEqual([]);
    expect(status.sessions).toHaveLength(1);
    expect(status.sessions[0]).toMatchObject({
      id: 'x',
      branch: 'session/x',
      worktree: '../app-sessions/x',
      status: 'active',
      goals: [],
      base: 'main',
      baseCommit: sandbox.git(main, 'rev-parse', 'main').trim(),
      adoptedAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
      path: join(sessionsDir, 'x'),
      exists: true,
    });
  }, 60_000);

  it('records a branch change inside a known session and warns', () => {
    const { sandbox, main, sessionsDir } = installed();
    expect(sandbox.pwt(main, ['create', 'b']).code).toBe(0);
    const switched = sandbox.sh('git', ['checkout', '-b', 'feature/other'], join(sessionsDir, 'b'));
    expect(switched.code).toBe(0);
    expect(switched.stderr).toMatch(/Session b is now on branch feature\/other \(was session\/b\)/);
    expect(manifest(project).sessions[0]).toMatchObject({ id: 'b', branch: 'feature/other' });
    // A detached HEAD passing through (rebase, bisect) is not recorded.
    sandbox.git(join(sessionsDir, 'b'), 'checkout', '--quiet', '--detach');
    expect(manifest(project).sessions[0].branch).toBe('feature/other');
  }, 60_000);

  it('gives pwt create exactly one manifest entry', () => {
    const { sandbox, main } = installed();
    const created = sandbox.pwt(main, ['create', 'c', '--goal', 'one entry']);
    expect(created.code, created.stderr).toBe(0);
    const sessions = manifest(project).sessions;
    expect(sessions).toHaveLength(1);
    expect(sessions[0]).toMatchObject({ id: 'c', goals: ['one entry'] });
    expect(sessions[0].adoptedAt).toBeUndefined();
    // What pwt create relies on: with PWT_CREATING=1 the hook leaves the worktree to it (pwt swallows git's stderr, so shown here directly).
    const add = sandbox.sh('git', ['worktree', 'add', '--quiet', '../app-sessions/d', '-b', 'session/d'], main, { PWT_CREATING: '1', PWT_DEBUG: '1' });
    expect(add.stderr).toBe('pwt hook post-checkout: pwt create is adding this worktree and registers it itself (node not started)\n');
    expect(manifest(project).sessions).toHaveLength(1);
  }, 60_000);

  it('never fails a checkout: a corrupt manifest is recovered, a broken config is one warning and the hook goes on', () => {
    const { sandbox, main, sessionsDir } = installed();
    expect(sandbox.pwt(main, ['create', 'keep', '--goal', 'g']).code).toBe(0);
    writeFileSync(join(sessionsDir, '.manifest.json'), '{ not json');
    const add = sandbox.sh('git', ['worktree', 'add', '--quiet', '../app-sessions/y', '-b', 'session/y'], main);
    expect(add.code, add.stderr).toBe(0);
    expect(add.stderr).toMatch(/manifest .* is damaged/);
    expect(readdirSync(sessionsDir).some((name) => name.startsWith('.manifest.json.corrupt-'))).toBe(true);
    expect(
      manifest(project)
        .sessions.map((session: { id: string }) => session.id)
        .sort(),
    ).toEqual(['keep', 'y']);

    writeFileSync(join(main, '.pwt.json'), '{ "protectBase": "yes" }');
    const add2 = sandbox.sh('git', ['worktree', 'add', '--quiet', '../app-sessions/z', '-b', 'session/z'], main);
    expect(add2.code).toBe(0);
    // The hook only reads the config: the broken part is one warning and the rest goes on (z is registered).
    expect(add2.stderr.trim().split('\n')).toEqual([
      expect.stringMatching(/"protectBase" must be true or false\. Going on with the default/),
      expect.stringMatching(/registered .* as session z/),
    ]);
  }, 60_000);

  it('does nothing with PWT_HOOKS=0, and traces with PWT_DEBUG=1 without starting node outside the sessions dir', () => {
    const { sandbox, main } = installed();
    const skipped = sandbox.sh('git', ['worktree', 'add', '--quiet', '../app-sessions/off', '-b', 'session/off'], main, { PWT_HOOKS: '0', PWT_DEBUG: '1' });
    expect(skipped.code).toBe(0);
    expect(skipped.stderr).toBe('pwt hook post-checkout: PWT_HOOKS=0: skipped\n');
    expect(parseJson(sandbox.pwt(main, ['status', '--json']).stdout).orphans).toEqual([expect.objectContaining({ kind: 'unregistered-worktree', id: 'off' })]);

    const outside = sandbox.sh('git', ['checkout', '--quiet', '-b', 'topic'], main, { PWT_DEBUG: '1' });
    expect(outside.stderr).toMatch(/^pwt hook post-checkout: .* is outside the sessions dir .*: nothing to do \(node not started\)\n$/);
    const inside = sandbox.sh('git', ['worktree', 'add', '--quiet', '../app-sessions/on', '-b', 'session/on'], main, { PWT_DEBUG: '1' });
    expect(inside.stderr).toMatch(/pwt hook post-checkout: starting .*node.* _hook post-checkout/);

    // Proof that outside the sessions dir no Node starts: the recorded node becomes a wrapper that logs each start.
    const starts = join(sandbox.root, 'node-starts.log');
    const wrapper = join(sandbox.root, 'counting-node');
    writeFileSync(wrapper, `#!/bin/sh\necho start >> '${starts}'\nexec '${NODE}' "$@"\n`, { mode: 0o755 });
    writeFileSync(starts, '');
    const dispatcher = join(main, '.git', 'pwt', 'hooks.sh');
    writeFileSync(dispatcher, readFileSync(dispatcher, 'utf8').replace(/^_pwt_node=.*$/m, `_pwt_node='${wrapper}'`));
    for (const branch of ['main', 'topic', 'main']) sandbox.git(main, 'checkout', '--quiet', branch);
    expect(readFileSync(starts, 'utf8')).toBe('');
    sandbox.git(main, 'worktree', 'add', '--quiet', '../app-sessions/counted', '-b', 'session/counted');
    expect(readFileSync(starts, 'utf8')).toBe('start\n');
  }, 60_000);

  it('honours PWT_SESSIONS_DIR at run time', () => {
    const { sandbox, main } = installed();
    const env = { PWT_SESSIONS_DIR: '../elsewhere' };
    const add = sandbox.sh('git', ['worktree', 'add', '--quiet', '../elsewhere/e', '-b', 'session/e'], main, env);
    expect(add.code).toBe(0);
    const status = parseJson(sandbox.pwt(main, ['status', '--json'], env).stdout);
    expect(status.sessions.map((session: { id: string }) => session.id)).toEqual(['e']);
  }, 60_000);
});

describe('finding pwt from the hook', () => {
  it('falls back to pwt on PATH when the recorded cli is gone, and warns in one line when there is none', () => {
    const { sandbox, main, sessionsDir } = installed();
    const dispatcher = join(main, '.git', 'pwt', 'hooks.sh');
    writeFileSync(dispatcher, readFileSync(dispatcher, 'utf8').replace(/^_pwt_cli=.*$/m, `_pwt_cli='${join(sandbox.root, 'gone', 'cli.js')}'`));
    expect(parseJson(sandbox.pwt(main, ['hooks', 'status', '--json']).stdout).dispatcherState).toBe('outdated');
    const bin = join(sandbox.root, 'bin');
    mkdirSync(bin);
    writeFileSync(join(bin, 'pwt'), `#!/bin/sh\nexec '${NODE}' '${CLI}' "$@"\n`, { mode: 0o755 });
    const withPwt = sandbox.sh('git', ['worktree', 'add', '--quiet', '../app-sessions/f', '-b', 'session/f'], main, { PATH: `${bin}:${sandbox.env.PATH}` });
    expect(withPwt.code, withPwt.stderr).toBe(0);
    expect(manifest(project).sessions.map((session: { id: string }) => session.id)).toEqual(['f']);

    // A PATH that holds git and nothing else, so no pwt installed on this machine can answer.
    const gitOnly = join(sandbox.root, 'git-only');
    mkdirSync(gitOnly);
    symlinkSync(sandbox.sh('sh', ['-c', 'command -v git'], main).stdout.trim(), join(gitOnly, 'git'));
    const none = sandbox.sh(join(gitOnly, 'git'), ['worktree', 'add', '--quiet', join(sessionsDir, 'g'), '-b', 'session/g'], main, { PATH: gitOnly });
    expect(none.code).toBe(0);
    expect(none.stderr).toMatch(
      /^pwt: warning: post-checkout hook skipped: .*gone\/cli\.js is gone and no pwt is on PATH \(run pwt hooks install again\)\.\n$/,
    );
    expect(sandbox.pwt(main, ['hooks', 'install', '--json']).stdout).toMatch(/"dispatcherOp": "updated"/);
  }, 60_000);
});

describe('pre-push hook', () => {
  it('refuses a session branch onto the base on the real origin, allows the normal push and records it, and can be overridden', () => {
    const { sandbox, main, sessionsDir } = installed();
    expect(sandbox.pwt(main, ['create', 'x']).code).toBe(0);
    const wt = join(sessionsDir, 'x');
    commitFile(sandbox, wt, 'x.txt', 'x\n');
    const before = remoteMain(project);

    const refused = sandbox.sh('git', ['push', 'origin', 'session/x:main'], wt);
    expect(refused.code).not.toBe(0);
    expect(refused.stderr).toContain(
      'pwt: Refusing to push session/x to main on origin: main is the base of session x (protectBase is on). Open a pull request instead: pwt remove x --strategy pr',
    );
    expect(refused.stderr).toContain('PWT_ALLOW_BASE_PUSH=1');
    expect(remoteMain(project)).toBe(before);
    expect(manifest(project).sessions[0].lastPushedAt).toBeUndefined();
    // From the main worktree too: it is the branch that counts, not where you stand.
    expect(sandbox.sh('git', ['push', 'origin', 'session/x:refs/heads/main'], main).code).not.toBe(0);

    const pushed = sandbox.sh('git', ['push', '--quiet', '-u', 'origin', 'session/x'], wt);
    expect(pushed.code, pushed.stderr).toBe(0);
    expect(sandbox.git(project.origin, 'rev-parse', 'refs/heads/session/x').trim()).toBe(sandbox.git(wt, 'rev-parse', 'HEAD').trim());
    expect(manifest(project).sessions[0]).toMatchObject({ remote: 'origin', lastPushedAt: expect.stringMatching(/^\d{4}-/) });

    const forced = sandbox.sh('git', ['push', '--quiet', 'origin', 'session/x:main'], wt, { PWT_ALLOW_BASE_PUSH: '1' });
    expect(forced.code, forced.stderr).toBe(0);
    expect(remoteMain(project)).toBe(sandbox.git(wt, 'rev-parse', 'HEAD').trim());
  }, 60_000);

  it('never blocks with protectBase off, nor pushes of other branches, and skips node for them', () => {
    const { sandbox, main, sessionsDir } = installed();
    expect(sandbox.pwt(main, ['create', 'p']).code).toBe(0);
    const plain = sandbox.sh('git', ['push', 'origin', 'main:refs/heads/topic'], main, { PWT_DEBUG: '1' });
    expect(plain.code).toBe(0);
    expect(plain.stderr).toMatch(/no session branch in this push .*nothing to do \(node not started\)/);

    writeFileSync(join(main, '.pwt.json'), '{ "protectBase": false }\n');
    const wt = join(sessionsDir, 'p');
    commitFile(sandbox, wt, 'p.txt', 'p\n');
    const open = sandbox.sh('git', ['push', '--quiet', 'origin', 'session/p:main'], wt);
    expect(open.code, open.stderr).toBe(0);
    expect(remoteMain(project)).toBe(sandbox.git(wt, 'rev-parse', 'HEAD').trim());
  }, 60_000);
});
