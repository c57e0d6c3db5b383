import { cpSync, existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { commitFile, makeProject, parseJson, type Project } from './helpers/sandbox.js';
import { fingerprint, sessionIds } from './remove-harness.js';

/**
 * Gates test what lands: a real npm project (test/fixtures/npm-app: its test
 * fails when a module's version differs from package.json's) whose
 * `pre-merge` hook is `npm test`. The check records the commit it tested, so
 * git proves main only ever points at a commit the check passed on.
 */
let project: Project;
afterEach(() => project?.sandbox.cleanup(), 60_000);

const FIXTURE = join(import.meta.dirname, 'fixtures', 'npm-app');
const tested = () => join(project.sandbox.root, 'tested.log');
const git = (cwd: string, ...args: string[]) => project.sandbox.git(cwd, ...args).trim();
const session = (name: string) => join(project.sessionsDir, name);
/** Each check: the commit it ran on, where, and its exit status. */
const checks = () =>
  existsSync(tested())
    ? readFileSync(tested(), 'utf8')
        .trim()
        .split('\n')
        .filter(Boolean)
        .map((line) => {
          const [commit, code, where] = line.split(' ');
          return { commit: commit as string, code: Number(code), where: where as string };
        })
    : [];
const version = (v: string) => JSON.stringify({ name: 'npm-app', version: v, private: true, scripts: { test: 'node test.js' } }, null, 2);

/** The npm project on main with `npm test` as its pre-merge gate; a session `feat` adds lib/feature.js at 1.0.0; then main bumps to 1.1.0. */
function setUp(): void {
  project = makeProject();
  const { sandbox, main } = project;
  cpSync(FIXTURE, main, { recursive: true });
  writeFileSync(
    join(main, '.pwt.json'),
    JSON.stringify({ hooks: { 'pre-merge': 'npm test --silent; code=$?; echo "$(git rev-parse HEAD) $code $PWD" >> "$PWT_MAIN/../tested.log"; exit $code' } }),
  );
  sandbox.git(main, 'add', '.');
  sandbox.git(main, 'commit', '--quiet', '-m', 'npm app 1.0.0');
  expect(sandbox.pwt(main, ['create', 'feat', '--goal', 'Add the feature module', '--trust-hooks']).code).toBe(0);
  commitFile(sandbox, session('feat'), 'lib/feature.js', "module.exports = { version: '1.0.0', name: 'feature' };\n", 'feature module');
  // main releases 1.1.0: its own modules move along, so main's test passes; the session's new module does not know.
  writeFileSync(join(main, 'lib', 'core.js'), "module.exports = { version: '1.1.0', name: 'core' };\n");
  writeFileSync(join(main, 'package.json'), `${version('1.1.0')}\n`);
  sandbox.git(main, 'add', '.');
  sandbox.git(main, 'commit', '--quiet', '-m', 'release 1.1.0');
}

describe('pre-merge runs on the merge result', () => {
  it('a gate that passes on the session alone fails on the merge result: main does not move; once fixed, main moves to exactly the tested commit', () => {
    setUp();
    const { sandbox, main } = project;
    expect(sandbox.sh('npm', ['test', '--silent'], session('feat')).code, 'the session alone passes').toBe(0);
    expect(sandbox.sh('npm', ['test', '--silent'], main).code, 'main alone passes').toBe(0);
    const before = fingerprint(project);
    const mainTip = git(main, 'rev-parse', 'main');
    const featTip = git(main, 'rev-parse', 'session/feat');

    const refused = sandbox.pwt(main, ['remove', 'feat', '--strategy', 'merge', '--trust-hooks']);
    expect(refused.code, refused.stderr).toBe(3);
    expect(refused.stderr).toMatch(/lib\/feature\.js says 1\.0\.0, package\.json says 1\.1\.0/);
    expect(refused.stderr).toMatch(/nothing was merged and nothing was changed/);
    expect(git(main, 'rev-parse', 'main')).toBe(mainTip);
    expect(git(main, 'rev-parse', 'session/feat')).toBe(featTip);
    expect(fingerprint(project)).toBe(before);
    expect(sessionIds(project)).toEqual(['feat']);
    // The check ran once, on the merge commit (parents: main, then the session), in a temporary worktree that is gone.
    const [failed] = checks();
    expect(failed).toMatchObject({ code: 1 });
    expect(failed!.where.startsWith(join(project.sessionsDir, '.pwt', 'land'))).toBe(true);
    expect(git(main, 'rev-list', '--parents', '-n', '1', failed!.commit).split(' ').slice(1)).toEqual([mainTip, featTip]);
    expect(existsSync(failed!.where)).toBe(false);
    expect(git(main, 'worktree', 'list', '--porcelain')).not.toMatch(/\.pwt\/land/);
    expect(readdirSync(join(project.sessionsDir, '.pwt', 'land'))).toEqual([]);

    // The session adopts the release version: alone it now fails (its package.json says 1.0.0), merged it passes.
    commitFile(sandbox, session('feat'), 'lib/feature.js', "module.exports = { version: '1.1.0', name: 'feature' };\n", 'feature follows 1.1.0');
    expect(sandbox.sh('npm', ['test', '--silent'], session('feat')).code, 'the session alone now fails').toBe(1);
    const merged = sandbox.pwt(main, ['remove', 'feat', '--strategy', 'merge', '--json']);
    expect(merged.code, merged.stderr).toBe(0);
    const passed = checks()[1]!;
    expect(passed.code).toBe(0);
    // main is exactly the commit the check passed on, and every commit main points at passed.
    expect(git(main, 'rev-parse', 'main')).toBe(passed.commit);
    expect(parseJson(merged.stdout).actions.find((action: { op: string }) => action.op === 'merge')).toMatchObject({
      mode: 'merge-commit',
      target: passed.commit,
      commit: passed.commit,
    });
    expect(git(main, 'rev-parse', 'main^1')).toBe(mainTip);
    expect(sandbox.sh('npm', ['test', '--silent'], main).code).toBe(0);
    expect(sessionIds(project)).toEqual([]);
  }, 90_000);

  it('--squash tests the squash commit and the base moves to exactly it', () => {
    setUp();
    const { sandbox, main } = project;
    commitFile(sandbox, session('feat'), 'lib/feature.js', "module.exports = { version: '1.1.0', name: 'feature' };\n", 'feature follows 1.1.0');
    const mainTip = git(main, 'rev-parse', 'main');
    const result = sandbox.pwt(main, ['remove', 'feat', '--squash', '--message', 'Feature module']);
    expect(result.code, result.stderr).toBe(0);
    const [check] = checks();
    expect(check).toMatchObject({ code: 0 });
    expect(check!.where.startsWith(join(project.sessionsDir, '.pwt', 'land'))).toBe(true);
    expect(git(main, 'rev-parse', 'main')).toBe(check!.commit);
    expect(git(main, 'rev-list', '--parents', '-n', '1', 'main').split(' ').slice(1)).toEqual([mainTip]);
    expect(git(main, 'log', '-1', '--format=%s', 'main')).toBe('Feature module');
  }, 90_000);

  it('with --commit, the tested merge includes the uncommitted work, and the base takes that very commit', () => {
    setUp();
    const { sandbox, main } = project;
    writeFileSync(join(session('feat'), 'lib', 'feature.js'), "module.exports = { version: '1.1.0', name: 'feature' };\n");
    const result = sandbox.pwt(main, ['remove', 'feat', '--strategy', 'merge', '--commit', 'feature follows 1.1.0']);
    expect(result.code, result.stderr).toBe(0);
    const [check] = checks();
    expect(check).toMatchObject({ code: 0 });
    expect(git(main, 'rev-parse', 'main')).toBe(check!.commit);
    expect(git(main, 'log', '-1', '--format=%s', 'main^2')).toBe('feature follows 1.1.0');
  }, 90_000);

  it('when the base has not moved, the session worktree is the merge result: the gate runs there and the base fast-forwards', () => {
    project = makeProject();
    const { sandbox, main } = project;
    cpSync(FIXTURE, main, { recursive: true });
    writeFileSync(
      join(main, '.pwt.json'),
      JSON.stringify({
        hooks: { 'pre-merge': 'npm test --silent; code=$?; echo "$(git rev-parse HEAD) $code $PWD" >> "$PWT_MAIN/../tested.log"; exit $code' },
      }),
    );
    sandbox.git(main, 'add', '.');
    sandbox.git(main, 'commit', '--quiet', '-m', 'npm app 1.0.0');
    expect(sandbox.pwt(main, ['create', 'feat', '--trust-hooks']).code).toBe(0);
    commitFile(sandbox, session('feat'), 'lib/feature.js', "module.exports = { version: '1.0.0' };\n", 'feature');
    const result = sandbox.pwt(main, ['remove', 'feat', '--strategy', 'merge']);
    expect(result.code, result.stderr).toBe(0);
    const [check] = checks();
    expect(check).toMatchObject({ code: 0, where: session('feat') });
    expect(git(main, 'rev-parse', 'main')).toBe(check!.commit);
  }, 90_000);

  it('a temporary worktree left by a pwt killed during its gate is no orphan, and the next cleanup or remove takes it away', () => {
    project = makeProject();
    const { sandbox, main } = project;
    const left = join(project.sessionsDir, '.pwt', 'land', '2147483-dead00');
    sandbox.git(main, 'worktree', 'add', '--quiet', '--detach', left, 'HEAD');
    expect(parseJson(sandbox.pwt(main, ['status', '--json']).stdout).orphans).toEqual([]);
    const cleaned = sandbox.pwt(main, ['cleanup', '--force']);
    expect(cleaned.code, cleaned.stderr).toBe(0);
    expect(existsSync(left)).toBe(false);
    expect(git(main, 'worktree', 'list', '--porcelain')).not.toMatch(/\.pwt\/land/);
  }, 60_000);
});
