import { afterEach, describe, expect, it } from 'vitest';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { commitFile, makeProject, parseJson, type Project } from './helpers/sandbox.js';

/**
 * `pwt hooks install --via <manager>` with the real managers from npm (the
 * versions in pwt's own devDependencies, packed into the test repository as
 * tarballs so `npm install` needs no registry), in a real repository, and in
 * a second clone that only runs `npm install`.
 */
let project: Project;
afterEach(() => project?.sandbox.cleanup(), 60_000);

const repoRoot = resolve(import.meta.dirname, '..');
const git = (cwd: string, ...args: string[]) => project.sandbox.git(cwd, ...args).trim();
const npm = (cwd: string, ...args: string[]) => {
  const result = project.sandbox.sh('npm', [...args, '--offline', '--no-audit', '--no-fund', '--cache', join(project.sandbox.root, 'npm-cache')], cwd);
  expect(result.code, result.stderr).toBe(0);
  return result;
};

/** A Node project using `manager`: its tarball in vendor/, package.json as given, committed and pushed. */
function nodeProject(manager: 'simple-git-hooks' | 'husky' | 'lefthook', pkg: Record<string, unknown>, files: Record<string, string> = {}): string {
  project = makeProject();
  const { main, sandbox } = project;
  mkdirSync(join(main, 'vendor'));
  // lefthook's binary comes in its platform package, a dependency of its own.
  const packages = manager === 'lefthook' ? ['lefthook', `lefthook-${process.platform}-${process.arch}`] : [manager];
  const devDependencies: Record<string, string> = {};
  for (const name of packages) {
    const packed = sandbox.sh('npm', ['pack', '--json', '--pack-destination', join(main, 'vendor'), join(repoRoot, 'node_modules', name)], main);
    expect(packed.code, packed.stderr).toBe(0);
    devDependencies[name] = `file:vendor/${(JSON.parse(packed.stdout) as Array<{ filename: string }>)[0]!.filename}`;
  }
  writeFileSync(join(main, 'package.json'), `${JSON.stringify({ name: 'app', private: true, devDependencies, ...pkg }, null, 2)}\n`);
  writeFileSync(join(main, '.gitignore'), '.env\nnode_modules/\n');
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(join(main, path, '..'), { recursive: true });
    writeFileSync(join(main, path), text);
  }
  npm(main, 'install');
  git(main, 'add', '.');
  git(main, 'commit', '--quiet', '-m', `use ${manager}`);
  return readFileSync(join(main, 'package.json'), 'utf8');
}

function commitAndPush(message: string): void {
  git(project.main, 'add', '-A');
  git(project.main, 'commit', '--quiet', '-m', message);
  git(project.main, 'push', '--quiet', 'origin', 'main');
}

/** The base push is refused by pwt's pre-push; returns the push's stderr. */
function refusedBasePush(cwd: string): string {
  // A commit the remote's main lacks, on a session branch.
  git(cwd, 'branch', 'session/x', git(cwd, 'commit-tree', 'HEAD^{tree}', '-p', 'HEAD', '-m', 'session work'));
  const pushed = project.sandbox.sh('git', ['push', 'origin', 'session/x:main'], cwd, { PWT_DEBUG: '1' });
  expect(pushed.code, `${pushed.stdout}${pushed.stderr}`).not.toBe(0);
  expect(pushed.stderr).toContain('Refusing to push session/x to main');
  return pushed.stderr;
}

describe('pwt hooks install --via simple-git-hooks', () => {
  it("adds pwt to package.json beside the team's own hooks; every clone gets them; uninstall takes exactly them out", () => {
    const before = nodeProject('simple-git-hooks', {
      scripts: { prepare: 'simple-git-hooks' },
      'simple-git-hooks': { 'pre-commit': 'echo team-pre-commit', 'pre-push': 'echo team-pre-push >&2' },
    });
    const { main, sandbox } = project;
    expect(parseJson(sandbox.pwt(main, ['hooks', 'status', '--json']).stdout)).toEqual(expect.objectContaining({ managers: ['simple-git-hooks'], via: [] }));

    const installed = sandbox.pwt(main, ['hooks', 'install', '--via', 'simple-git-hooks', '--json']);
    expect(installed.code, installed.stderr).toBe(0);
    expect(parseJson(installed.stdout).hooks).toEqual([
      { hook: 'post-checkout', op: 'added' },
      { hook: 'pre-push', op: 'added' },
    ]);
    const config = JSON.parse(readFileSync(join(main, 'package.json'), 'utf8'))['simple-git-hooks'];
    expect(config['pre-commit']).toBe('echo team-pre-commit');
    expect(config['pre-push']).toMatch(/pwt\/hooks\.sh.*\necho team-pre-push >&2$/s);
    // No path of this machine in what gets committed.
    expect(readFileSync(join(main, 'package.json'), 'utf8')).not.toContain(sandbox.root);
    // Re-installing changes nothing.
    expect(sandbox.pwt(main, ['hooks', 'install', '--via', 'simple-git-hooks']).code).toBe(0);
    expect(
      parseJson(sandbox.pwt(main, ['hooks', 'install', '--via', 'simple-git-hooks', '--json']).stdout).hooks.map((each: { op: string }) => each.op),
    ).toEqual(['unchanged', 'unchanged']);
    expect(parseJson(sandbox.pwt(main, ['hooks', 'status', '--json']).stdout)).toEqual(expect.objectContaining({ via: ['simple-git-hooks'] }));
    commitAndPush('pwt hooks via simple-git-hooks');
    expect(sandbox.sh('npx', ['--no-install', 'simple-git-hooks'], main).code).toBe(0);

    // The manager's hooks run pwt's part: a plain worktree in the sessions dir is adopted,
    expect(git(main, 'worktree', 'add', '--quiet', '-b', 'session/plain', join(project.sessionsDir, 'plain'))).toBe('');
    expect(parseJson(sandbox.pwt(main, ['status', '--json']).stdout).sessions.map((each: { id: string }) => each.id)).toEqual(['plain']);
    // a push of a session branch onto the base is refused, and the team's own pre-push still runs.
    refusedBasePush(main);
    const ok = sandbox.sh('git', ['push', 'origin', 'session/plain'], main);
    expect(ok.code, ok.stderr).toBe(0);
    expect(ok.stderr).toContain('team-pre-push');
    // Outside the sessions dir no Node starts.
    const fast = sandbox.sh('git', ['checkout', '-q', '-b', 'other'], main, { PWT_DEBUG: '1' });
    expect(fast.stderr).toContain('node not started');

    // A second clone: npm install and the manager's install give it the hooks; without pwt set up there they are silent.
    const clone = join(sandbox.root, 'clone2');
    git(sandbox.root, 'clone', '--quiet', project.origin, clone);
    npm(clone, 'install');
    expect(readFileSync(join(clone, '.git', 'hooks', 'post-checkout'), 'utf8')).toContain('pwt/hooks.sh');
    const silent = sandbox.sh('git', ['checkout', '-q', '-b', 'quiet'], clone);
    expect(silent).toEqual({ code: 0, stdout: '', stderr: '' });
    const push = sandbox.sh('git', ['push', '-q', 'origin', 'quiet'], clone);
    expect(push.code, push.stderr).toBe(0);
    // pwt doctor there names the one step left; after it, the committed config is already right and only the dispatcher is new.
    const hooksCheck = (cwd: string) =>
      (parseJson(sandbox.pwt(cwd, ['doctor', '--json']).stdout).checks as Array<{ name: string; level: string; detail: string; fix?: string }>).find(
        (check) => check.name === 'hooks',
      );
    expect(hooksCheck(clone)).toEqual(
      expect.objectContaining({ level: 'warn', fix: "Run pwt hooks install --via simple-git-hooks (it writes only this clone's dispatcher)." }),
    );
    expect(
      parseJson(sandbox.pwt(clone, ['hooks', 'install', '--via', 'simple-git-hooks', '--json']).stdout).hooks.map((each: { op: string }) => each.op),
    ).toEqual(['unchanged', 'unchanged']);
    expect(hooksCheck(clone)).toEqual(
      expect.objectContaining({ level: 'ok', detail: "post-checkout and pre-push through simple-git-hooks's committed config" }),
    );
    expect(git(clone, 'status', '--porcelain')).toBe('');
    git(clone, 'checkout', '-q', 'main');
    refusedBasePush(clone);

    // Uninstall: package.json exactly as the team had it.
    const removed = sandbox.pwt(main, ['hooks', 'uninstall', '--via', 'simple-git-hooks', '--json']);
    expect(removed.code, removed.stderr).toBe(0);
    expect(readFileSync(join(main, 'package.json'), 'utf8')).toBe(before);
  }, 180_000);
});

describe('pwt hooks install --via husky', () => {
  it("writes .husky/<hook> (keeping the team's), works after npm install in a second clone, uninstall restores the files", () => {
    const teamPrePush = 'echo team-pre-push >&2\n';
    nodeProject('husky', { scripts: { prepare: 'husky' } }, { '.husky/pre-push': teamPrePush, '.husky/pre-commit': 'echo team-pre-commit\n' });
    const { main, sandbox } = project;
    expect(git(main, 'config', 'core.hooksPath')).toBe('.husky/_');
    const hint = sandbox.pwt(main, ['hooks', 'install']);
    expect(hint.stderr).toContain('This repository uses husky: pwt hooks install --via husky');
    expect(sandbox.pwt(main, ['hooks', 'uninstall']).code).toBe(0);

    const installed = sandbox.pwt(main, ['hooks', 'install', '--via', 'husky']);
    expect(installed.code, installed.stderr).toBe(0);
    expect(readFileSync(join(main, '.husky', 'pre-push'), 'utf8')).toMatch(/^_pwt_hook=pre-push; .*pwt-hooks.*\necho team-pre-push >&2\n$/);
    expect(readFileSync(join(main, '.husky', 'post-checkout'), 'utf8')).not.toContain(sandbox.root);
    commitAndPush('pwt hooks via husky');

    refusedBasePush(main);
    const ok = sandbox.sh('git', ['push', 'origin', 'session/x'], main);
    expect(ok.code, ok.stderr).toBe(0);
    expect(ok.stderr).toContain('team-pre-push');
    expect(sandbox.sh('git', ['checkout', '-q', '-b', 'other'], main, { PWT_DEBUG: '1' }).stderr).toContain('node not started');

    const clone = join(sandbox.root, 'clone2');
    git(sandbox.root, 'clone', '--quiet', project.origin, clone);
    npm(clone, 'install');
    expect(git(clone, 'config', 'core.hooksPath')).toBe('.husky/_');
    expect(sandbox.sh('git', ['checkout', '-q', '-b', 'quiet'], clone)).toEqual({ code: 0, stdout: '', stderr: '' });
    expect(sandbox.pwt(clone, ['hooks', 'install', '--via', 'husky']).code).toBe(0);
    expect(git(clone, 'status', '--porcelain')).toBe('');
    git(clone, 'checkout', '-q', 'main');
    refusedBasePush(clone);

    expect(sandbox.pwt(main, ['hooks', 'uninstall', '--via', 'husky']).code).toBe(0);
    expect(readFileSync(join(main, '.husky', 'pre-push'), 'utf8')).toBe(teamPrePush);
    expect(existsSync(join(main, '.husky', 'post-checkout'))).toBe(false);
  }, 180_000);
});

describe('husky sessions get their hooks', () => {
  it("a session made without npm install (create with copy, open, adopted) gets .husky/_: the team's pre-commit and pwt's pre-push run there; doctor notices a missing one; hooks status agrees with doctor", () => {
    nodeProject(
      'husky',
      { scripts: { prepare: 'husky' } },
      { '.husky/pre-commit': 'echo team-pre-commit-ran >&2\n', '.pwt.json': JSON.stringify({ copy: ['node_modules'] }) },
    );
    const { main, sandbox } = project;
    expect(sandbox.pwt(main, ['hooks', 'install', '--via', 'husky']).code).toBe(0);
    commitAndPush('pwt hooks via husky');
    // hooks status and doctor say the same thing.
    const status = sandbox.pwt(main, ['hooks', 'status']);
    expect(status.stdout).toContain("pwt hooks: installed through husky's committed config");
    expect(parseJson(sandbox.pwt(main, ['hooks', 'status', '--json']).stdout).active).toBe(true);
    expect(parseJson(sandbox.pwt(main, ['doctor', '--json']).stdout).checks).toContainEqual(
      expect.objectContaining({ name: 'hooks', level: 'ok', detail: expect.stringContaining('husky') }),
    );

    const created = sandbox.pwt(main, ['create', 's1']);
    expect(created.code, created.stderr).toBe(0);
    expect(created.stderr).toMatch(/Copied \.husky\/_ \(the hooks folder git uses in each worktree/);
    const session = join(project.sessionsDir, 's1');
    expect(existsSync(join(session, '.husky', '_', 'pre-commit'))).toBe(true);
    expect(git(session, 'status', '--porcelain')).toBe('');
    writeFileSync(join(session, 'work.txt'), 'work\n');
    git(session, 'add', 'work.txt');
    const commit = sandbox.sh('git', ['commit', '-m', 'work'], session);
    expect(commit.code, commit.stderr).toBe(0);
    expect(commit.stderr).toContain('team-pre-commit-ran');
    const pushed = sandbox.sh('git', ['push', 'origin', 'session/s1:main'], session);
    expect(pushed.code).not.toBe(0);
    expect(pushed.stderr).toContain('Refusing to push session/s1 to main');

    // A session that lost it (made by an older pwt, or by hand): doctor says so and how; pwt open puts it back.
    rmSync(join(session, '.husky', '_'), { recursive: true });
    const doctor = parseJson(sandbox.pwt(main, ['doctor', '--json']).stdout).checks;
    expect(doctor).toContainEqual(
      expect.objectContaining({
        name: 'hooks',
        level: 'warn',
        detail: expect.stringMatching(/\.husky\/_ .*session s1 has none/),
        fix: expect.stringContaining('pwt open s1'),
      }),
    );
    expect(sandbox.pwt(main, ['open', 's1']).code).toBe(0);
    expect(existsSync(join(session, '.husky', '_', 'pre-commit'))).toBe(true);
    expect(
      parseJson(sandbox.pwt(main, ['doctor', '--json']).stdout).checks.filter(
        (check: { name: string; level: string }) => check.name === 'hooks' && check.level !== 'ok',
      ),
    ).toEqual([]);

    // Adopted: a plain git worktree add, registered by pwt's post-checkout (run from the main worktree's .husky/_), gets it too.
    const plain = join(project.sessionsDir, 'plain');
    const added = sandbox.sh('git', ['worktree', 'add', '--quiet', '-b', 'session/plain', plain], main);
    expect(added.code, added.stderr).toBe(0);
    expect(added.stderr).toMatch(/registered .* as session plain/);
    expect(existsSync(join(plain, '.husky', '_', 'pre-commit'))).toBe(true);
  }, 180_000);
});

describe('pwt hooks install --via lefthook', () => {
  it("adds a pwt command to lefthook.yml beside the team's; a second clone gets it with npm install; uninstall restores the file", () => {
    const teamConfig = 'pre-push:\n  commands:\n    team:\n      run: echo team-pre-push >&2\npre-commit:\n  commands:\n    lint:\n      run: echo lint\n';
    nodeProject('lefthook', { scripts: { prepare: 'lefthook install' } }, { 'lefthook.yml': teamConfig });
    const { main, sandbox } = project;
    const installed = sandbox.pwt(main, ['hooks', 'install', '--via', 'lefthook', '--json']);
    expect(installed.code, installed.stderr).toBe(0);
    expect(parseJson(installed.stdout).hooks).toEqual([
      { hook: 'post-checkout', op: 'added' },
      { hook: 'pre-push', op: 'added' },
    ]);
    const config = readFileSync(join(main, 'lefthook.yml'), 'utf8');
    expect(config).toContain('    team:\n      run: echo team-pre-push >&2\n');
    expect(config).not.toContain(sandbox.root);
    expect(parseJson(sandbox.pwt(main, ['hooks', 'install', '--via', 'lefthook', '--json']).stdout).hooks.map((each: { op: string }) => each.op)).toEqual([
      'unchanged',
      'unchanged',
    ]);
    commitAndPush('pwt hooks via lefthook');
    const activated = sandbox.sh('npx', ['--no-install', 'lefthook', 'install'], main);
    expect(activated.code, activated.stderr).toBe(0);

    const plain = join(project.sessionsDir, 'plain');
    expect(git(main, 'worktree', 'add', '--quiet', '-b', 'session/plain', plain)).toBe('');
    expect(parseJson(sandbox.pwt(main, ['status', '--json']).stdout).sessions.map((each: { id: string }) => each.id)).toEqual(['plain']);
    // lefthook runs pre-push commands only when HEAD has files to push (its own rule), so push from the session with its work.
    commitFile(sandbox, plain, 'work.txt', 'work\n');
    const refused = sandbox.sh('git', ['push', 'origin', 'session/plain:main'], plain);
    expect(refused.code, `${refused.stdout}${refused.stderr}`).not.toBe(0);
    expect(refused.stderr).toContain('Refusing to push session/plain to main');
    const ok = sandbox.sh('git', ['push', 'origin', 'session/plain'], plain);
    expect(ok.code, ok.stderr).toBe(0);
    expect(`${ok.stdout}${ok.stderr}`).toContain('team-pre-push');

    const clone = join(sandbox.root, 'clone2');
    git(sandbox.root, 'clone', '--quiet', project.origin, clone);
    npm(clone, 'install');
    expect(readFileSync(join(clone, '.git', 'hooks', 'post-checkout'), 'utf8')).toContain('lefthook');
    const quiet = sandbox.sh('git', ['checkout', '-q', '-b', 'quiet'], clone);
    expect(quiet.code, quiet.stderr).toBe(0);
    expect(quiet.stderr).not.toContain('pwt:'); // lefthook's own banner names the command; pwt itself says nothing
    expect(sandbox.pwt(clone, ['hooks', 'install', '--via', 'lefthook']).code).toBe(0);
    expect(git(clone, 'status', '--porcelain')).toBe('');
    git(clone, 'checkout', '-q', 'main');
    const cloneSession = join(sandbox.root, 'clone2-sessions', 'feat');
    expect(git(clone, 'worktree', 'add', '--quiet', '-b', 'session/feat', cloneSession, 'main')).toBe('');
    commitFile(sandbox, cloneSession, 'feat.txt', 'feat\n');
    const refusedThere = sandbox.sh('git', ['push', 'origin', 'session/feat:main'], cloneSession);
    expect(refusedThere.stderr).toContain('Refusing to push session/feat to main');

    expect(sandbox.pwt(main, ['hooks', 'uninstall', '--via', 'lefthook']).code).toBe(0);
    expect(readFileSync(join(main, 'lefthook.yml'), 'utf8')).toBe(teamConfig);
  }, 180_000);
});
