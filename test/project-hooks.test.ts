import { afterEach, describe, expect, it } from 'vitest';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { installFakeGh } from './helpers/fake-gh.js';
import { commitFile, makeProject, parseJson, type Project } from './helpers/sandbox.js';

/** `.pwt.json` "hooks": run at create, restore and remove, only once approved, in real repositories. */
let project: Project;
afterEach(() => project?.sandbox.cleanup(), 60_000);

const git = (cwd: string, ...args: string[]) => project.sandbox.git(cwd, ...args).trim();

/** Commits a .pwt.json with these hooks in the main worktree. */
function withHooks(hooks: Record<string, unknown>, extra: Record<string, unknown> = {}): void {
  commitFile(project.sandbox, project.main, '.pwt.json', `${JSON.stringify({ hooks, ...extra }, null, 2)}\n`, 'hooks');
}

const approvals = () => join(project.sandbox.home, '.config', 'pwt', 'approved-hooks.json');
const worktrees = () =>
  git(project.main, 'worktree', 'list', '--porcelain')
    .split('\n')
    .filter((line) => line.startsWith('worktree ')).length;
const ENV_LINE = 'echo "$PWT_HOOK|$PWT_SESSION|$PWT_PATH|$PWT_BRANCH|$PWT_BASE|$PWT_MAIN|$(pwd)" >> "$PWT_MAIN/../hook-log.txt"';
const hookLog = () =>
  existsSync(join(project.sandbox.root, 'hook-log.txt')) ? readFileSync(join(project.sandbox.root, 'hook-log.txt'), 'utf8').trim().split('\n') : [];

describe('project hooks: approval', () => {
  it('refuses unapproved hooks without a terminal (exit 3 naming --trust-hooks) before making anything', () => {
    project = makeProject();
    withHooks({ 'post-create': ENV_LINE });
    const refused = project.sandbox.pwt(project.main, ['create', 's1']);
    expect(refused.code).toBe(3);
    expect(refused.stderr).toMatch(/not approved.*--trust-hooks/s);
    expect(refused.stderr.trim().split('\n')).toHaveLength(1);
    expect(worktrees()).toBe(1);
    expect(git(project.main, 'branch', '--list', 'session/s1')).toBe('');
    expect(hookLog()).toEqual([]);
  }, 60_000);

  it('--trust-hooks approves the set once, in the user config (not the repo); a changed set asks again', () => {
    project = makeProject();
    withHooks({ 'post-create': ENV_LINE });
    const first = project.sandbox.pwt(project.main, ['create', 's1', '--trust-hooks', '--json']);
    expect(first.code, first.stderr).toBe(0);
    const session = parseJson(first.stdout);
    const path = join(project.sessionsDir, 's1');
    expect(session.path).toBe(path);
    expect(session.hooks).toEqual([expect.objectContaining({ event: 'post-create', code: 0 })]);
    expect(hookLog()).toEqual([`post-create|s1|${path}|session/s1|main|${project.main}|${path}`]);
    // A progress line and its time, on stderr.
    expect(first.stderr).toMatch(/post-create hook: echo/);
    expect(first.stderr).toMatch(/post-create hook: echo.*\(\d+\.\d s\)/);
    expect(readFileSync(approvals(), 'utf8')).toContain(project.main);
    expect(git(project.main, 'status', '--porcelain', '--ignored')).toBe('');

    const second = project.sandbox.pwt(project.main, ['create', 's2']);
    expect(second.code, second.stderr).toBe(0);
    expect(hookLog()).toHaveLength(2);

    withHooks({ 'post-create': [ENV_LINE, 'echo also'] });
    const changed = project.sandbox.pwt(project.main, ['create', 's3']);
    expect(changed.code).toBe(3);
    expect(changed.stderr).toMatch(/--trust-hooks/);
    expect(hookLog()).toHaveLength(2);
  }, 60_000);

  it('--no-hooks skips them (and needs no approval)', () => {
    project = makeProject();
    withHooks({ 'post-create': ENV_LINE });
    const created = project.sandbox.pwt(project.main, ['create', 's1', '--no-hooks']);
    expect(created.code, created.stderr).toBe(0);
    expect(created.stderr).toMatch(/Skipped the project hooks \(--no-hooks\)/);
    expect(hookLog()).toEqual([]);
    expect(existsSync(approvals())).toBe(false);
  }, 60_000);

  it('pwt doctor lists the hooks and whether they are approved', () => {
    project = makeProject();
    withHooks({ 'post-create': 'npm ci', 'pre-merge': ['npm test', 'scripts/check.mjs'] });
    const check = () =>
      (parseJson(project.sandbox.pwt(project.main, ['doctor', '--json']).stdout).checks as Array<{ name: string; level: string; detail: string }>).find(
        (each) => each.name === 'project hooks',
      );
    expect(check()).toEqual(
      expect.objectContaining({ level: 'warn', detail: 'not approved yet: post-create: npm ci; pre-merge: npm test, scripts/check.mjs (zx script)' }),
    );
    expect(project.sandbox.pwt(project.main, ['create', 's1', '--trust-hooks', '--no-hooks']).code).toBe(0);
    // --no-hooks wins: nothing was approved.
    expect(check()?.level).toBe('warn');
  }, 60_000);
});

describe('project hooks: values', () => {
  it('runs a list in order and a .mjs file as a zx script; a changed script needs approval again', () => {
    project = makeProject();
    writeFileSync(
      join(project.main, 'warm.mjs'),
      "const branch = (await $`git rev-parse --abbrev-ref HEAD`).stdout.trim();\nawait fs.writeFile(path.join(process.env.PWT_MAIN, '..', 'zx-ran.txt'), `${branch} ${process.cwd()}\\n`);\necho('zx says hello');\n",
    );
    git(project.main, 'add', 'warm.mjs');
    withHooks({ 'post-create': [ENV_LINE, 'warm.mjs'] });
    const created = project.sandbox.pwt(project.main, ['create', 's1', '--trust-hooks']);
    expect(created.code, created.stderr).toBe(0);
    expect(hookLog()).toHaveLength(1);
    expect(readFileSync(join(project.sandbox.root, 'zx-ran.txt'), 'utf8')).toBe(`session/s1 ${join(project.sessionsDir, 's1')}\n`);
    expect(created.stderr).toContain('zx says hello');

    commitFile(project.sandbox, project.main, 'warm.mjs', "echo('changed');\n");
    const again = project.sandbox.pwt(project.main, ['create', 's2']);
    expect(again.code).toBe(3);
    expect(again.stderr).toMatch(/--trust-hooks/);
  }, 60_000);

  it('a failing post-create keeps the session and says so (exit 0)', () => {
    project = makeProject();
    withHooks({ 'post-create': ['echo installing; echo boom >&2; exit 7', 'echo never'] });
    const created = project.sandbox.pwt(project.main, ['create', 's1', '--trust-hooks']);
    expect(created.code, created.stderr).toBe(0);
    expect(created.stderr).toMatch(/post-create hook "echo installing; echo boom >&2; exit 7" failed \(exit 7\); the session is there all the same/);
    expect(created.stderr).toContain('| boom');
    expect(created.stderr).not.toContain('never');
    expect(existsSync(join(project.sessionsDir, 's1'))).toBe(true);
  }, 60_000);

  it('refuses hook scripts and copied paths outside the repository (exit 3 naming the field)', () => {
    project = makeProject();
    for (const [config, field] of [
      [{ hooks: { 'post-create': '../evil.mjs' } }, 'hooks.post-create'],
      [{ envFiles: ['../secrets/.env'] }, 'envFiles'],
      [{ artifacts: ['/etc/**'] }, 'artifacts'],
      [{ copy: ['node_modules', '../other/node_modules'] }, 'copy'],
      [{ hooks: { 'post-start': 'x' } }, 'hooks.post-start'],
    ] as const) {
      writeFileSync(join(project.main, '.pwt.json'), JSON.stringify(config));
      const result = project.sandbox.pwt(project.main, ['create', 's1', '--allow-dirty']);
      expect(result.code, JSON.stringify(config)).toBe(3);
      expect(result.stderr).toContain(`"${field}"`);
    }
    expect(worktrees()).toBe(1);
  }, 60_000);
});

describe('project hooks around pwt remove and restore', () => {
  function sessionWithWork(hooks: Record<string, unknown>, extra: Record<string, unknown> = {}): string {
    project = makeProject();
    withHooks(hooks, extra);
    expect(project.sandbox.pwt(project.main, ['create', 'feat', '--trust-hooks']).code).toBe(0);
    const path = join(project.sessionsDir, 'feat');
    commitFile(project.sandbox, path, 'feature.txt', 'feature\n');
    return path;
  }

  it('a failing pre-merge stops the merge before anything changed: exit 3 with its last lines', () => {
    const path = sessionWithWork({ 'pre-merge': 'echo "1 test failed: prices round wrong"; exit 1', 'pre-remove': ENV_LINE });
    const mainTip = git(project.main, 'rev-parse', 'main');
    const tip = git(path, 'rev-parse', 'HEAD');
    const result = project.sandbox.pwt(project.main, ['remove', 'feat', '--strategy', 'merge']);
    expect(result.code).toBe(3);
    expect(result.stderr).toMatch(
      /pwt: The pre-merge hook .* failed \(exit 1\); nothing was changed\. .*--no-hooks.* Its last lines:\n {2}\| 1 test failed: prices round wrong/,
    );
    expect(git(project.main, 'rev-parse', 'main')).toBe(mainTip);
    expect(git(project.main, 'rev-parse', 'session/feat')).toBe(tip);
    expect(existsSync(join(path, 'feature.txt'))).toBe(true);
    expect(parseJson(project.sandbox.pwt(project.main, ['status', '--json']).stdout).sessions.map((each: { id: string }) => each.id)).toEqual(['feat']);
    expect(hookLog()).toEqual([]);
  }, 60_000);

  it('a passing pre-merge lets the merge go on; pre-remove runs in the worktree, post-remove in the main worktree', () => {
    const path = sessionWithWork({ 'pre-merge': 'test -f feature.txt', 'pre-remove': ENV_LINE, 'post-remove': ENV_LINE });
    const result = project.sandbox.pwt(project.main, ['remove', 'feat', '--strategy', 'merge', '--json']);
    expect(result.code, result.stderr).toBe(0);
    const ops = (parseJson(result.stdout).actions as Array<{ op: string; event?: string }>).map((action) => action.event ?? action.op);
    expect(ops).toEqual(['pre-merge', 'pre-remove', 'merge', 'remove-worktree', 'delete-branch', 'unregister', 'post-remove']);
    expect(hookLog()).toEqual([
      `pre-remove|feat|${path}|session/feat|main|${project.main}|${path}`,
      `post-remove|feat|${path}|session/feat|main|${project.main}|${project.main}`,
    ]);
    expect(git(project.main, 'log', '-1', '--format=%s', 'main')).toBe('change feature.txt');
  }, 60_000);

  it('a failing pre-pr pushes nothing and opens no PR; --no-hooks goes ahead', () => {
    sessionWithWork({ 'pre-pr': 'echo lint failed; exit 2' });
    // The commit of .pwt.json is on origin too: the PR would carry no unpushed base commit (a refusal of its own).
    git(project.main, 'push', '--quiet', 'origin', 'main');
    const gh = installFakeGh(project.sandbox);
    const refused = project.sandbox.pwt(project.main, ['remove', 'feat', '--strategy', 'pr'], gh.env);
    expect(refused.code).toBe(3);
    expect(refused.stderr).toContain('| lint failed');
    expect(git(project.origin, 'branch', '--list', 'session/feat')).toBe('');
    expect(gh.calls().filter((call) => call[0] === 'pr')).toEqual([]);
    const skipped = project.sandbox.pwt(project.main, ['remove', 'feat', '--strategy', 'pr', '--no-hooks'], gh.env);
    expect(skipped.code, skipped.stderr).toBe(0);
    expect(git(project.origin, 'branch', '--list', 'session/feat')).toContain('session/feat');
  }, 60_000);

  it('a failing post-remove is a warning: the session is removed, exit 0', () => {
    sessionWithWork({ 'post-remove': 'echo cleanup broke; exit 5' });
    const result = project.sandbox.pwt(project.main, ['remove', 'feat', '--strategy', 'keep']);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stderr).toMatch(/post-remove hook .* failed \(exit 5\); feat is removed all the same/);
    expect(existsSync(join(project.sessionsDir, 'feat'))).toBe(false);
    expect(git(project.main, 'branch', '--list', 'session/feat')).toContain('session/feat');
  }, 60_000);

  it('--dry-run lists the hook steps and runs none', () => {
    sessionWithWork({ 'pre-merge': ENV_LINE, 'post-remove': ENV_LINE });
    const result = project.sandbox.pwt(project.main, ['remove', 'feat', '--strategy', 'merge', '--dry-run']);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stderr).toMatch(/1\. run the pre-merge hook: echo/);
    expect(result.stderr).toMatch(/run the post-remove hook: echo/);
    expect(hookLog()).toEqual([]);
  }, 60_000);

  it('restore runs post-create again', () => {
    sessionWithWork({ 'post-create': ENV_LINE });
    expect(hookLog()).toHaveLength(1);
    expect(project.sandbox.pwt(project.main, ['remove', 'feat', '--strategy', 'abandon', '--yes']).code).toBe(0);
    const restored = project.sandbox.pwt(project.main, ['restore', 'feat']);
    expect(restored.code, restored.stderr).toBe(0);
    expect(hookLog()).toHaveLength(2);
    expect(hookLog()[1]).toMatch(/^post-create\|feat\|/);
  }, 60_000);

  it('open runs post-create and copy, as create does', () => {
    sessionWithWork({ 'post-create': ENV_LINE }, { copy: ['cache'] });
    mkdirSync(join(project.main, 'cache'));
    writeFileSync(join(project.main, 'cache', 'warm.bin'), 'warm\n');
    expect(project.sandbox.pwt(project.main, ['remove', 'feat', '--strategy', 'keep']).code).toBe(0);
    const opened = project.sandbox.pwt(project.main, ['open', 'session/feat']);
    expect(opened.code, opened.stderr).toBe(0);
    const path = join(project.sessionsDir, 'feat');
    expect(hookLog()[1]).toBe(`post-create|feat|${path}|session/feat|main|${project.main}|${path}`);
    expect(readFileSync(join(path, 'cache', 'warm.bin'), 'utf8')).toBe('warm\n');
  }, 60_000);
});
