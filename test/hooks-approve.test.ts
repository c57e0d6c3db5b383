import { afterEach, describe, expect, it } from 'vitest';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { commitFile, makeProject, parseJson, type Project } from './helpers/sandbox.js';

/** `pwt hooks show|approve|revoke`: review the project hooks against the approved set, without editing pwt's config folder. */
let project: Project;
afterEach(() => project?.sandbox.cleanup(), 60_000);

const git = (cwd: string, ...args: string[]) => project.sandbox.git(cwd, ...args).trim();
const withHooks = (hooks: Record<string, unknown>) =>
  commitFile(project.sandbox, project.main, '.pwt.json', `${JSON.stringify({ hooks }, null, 2)}\n`, 'hooks');
const approvals = () => join(project.sandbox.home, '.config', 'pwt', 'approved-hooks.json');
const pwt = (...args: string[]) => project.sandbox.pwt(project.main, args);

describe('pwt hooks show, approve, revoke', () => {
  it('approve is the explicit act without a terminal; show --json says approved; a changed set shows what changed', () => {
    project = makeProject();
    withHooks({ 'post-create': 'echo warm', 'pre-merge': 'npm test' });
    const before = parseJson(pwt('hooks', 'show', '--json').stdout);
    expect(before).toEqual({ file: join(project.main, '.pwt.json'), approved: false, hooks: { 'post-create': ['echo warm'], 'pre-merge': ['npm test'] } });

    const approved = pwt('hooks', 'approve');
    expect(approved.code, approved.stderr).toBe(0);
    expect(approved.stderr).toMatch(/Approved the project hooks/);
    // The approved content is kept (for the diff), in the user's config, not in the repository.
    expect(JSON.parse(readFileSync(approvals(), 'utf8')).latest[project.main].hooks).toEqual({ 'post-create': ['echo warm'], 'pre-merge': ['npm test'] });
    expect(git(project.main, 'status', '--porcelain', '--ignored')).toBe('');
    expect(parseJson(pwt('hooks', 'show', '--json').stdout).approved).toBe(true);
    // Approved: a command without a terminal runs them without --trust-hooks.
    expect(pwt('create', 's1').code).toBe(0);

    withHooks({ 'post-create': 'echo warm', 'pre-merge': 'npm test -- --bail', 'pre-pr': 'npm run lint' });
    const changed = parseJson(pwt('hooks', 'show', '--json').stdout);
    expect(changed.approved).toBe(false);
    expect(changed.changed).toEqual({
      'pre-merge': { approved: ['npm test'], now: ['npm test -- --bail'] },
      'pre-pr': { approved: [], now: ['npm run lint'] },
    });
    const human = pwt('hooks', 'show');
    expect(human.stdout).toMatch(/changed since you approved them/);
    expect(human.stdout).toMatch(/pre-merge:\n\s+- npm test\n\s+\+ npm test -- --bail/);
    const refused = pwt('create', 's2');
    expect(refused.code).toBe(3);
    expect(refused.stderr).toMatch(/changed since you approved them.*pwt hooks show shows what changed.*pwt hooks approve/s);
    expect(existsSync(join(project.sessionsDir, 's2'))).toBe(false);

    expect(pwt('hooks', 'approve').code).toBe(0);
    expect(pwt('create', 's2').code).toBe(0);
    expect(pwt('hooks', 'approve').stderr).toMatch(/already approved/);
  }, 60_000);

  it('revoke withdraws the approval: the next command refuses without a terminal', () => {
    project = makeProject();
    withHooks({ 'post-create': 'echo warm' });
    expect(pwt('create', 's1', '--trust-hooks').code).toBe(0);
    const revoked = pwt('hooks', 'revoke', '--json');
    expect(revoked.code, revoked.stderr).toBe(0);
    expect(parseJson(revoked.stdout)).toMatchObject({ revoked: true, approved: false });
    const refused = pwt('create', 's2');
    expect(refused.code).toBe(3);
    expect(refused.stderr).toMatch(/not approved/);
    expect(pwt('hooks', 'revoke').stderr).toMatch(/Nothing to revoke/);
  }, 60_000);

  it('an edited .mjs hook script shows as changed content', () => {
    project = makeProject();
    commitFile(project.sandbox, project.main, 'warm.mjs', 'await $`echo one`\n');
    withHooks({ 'post-create': 'warm.mjs' });
    expect(pwt('hooks', 'approve').code).toBe(0);
    commitFile(project.sandbox, project.main, 'warm.mjs', 'await $`echo two`\n');
    const show = pwt('hooks', 'show');
    expect(show.stdout).toMatch(/~ warm\.mjs \(the script's content changed\)/);
    expect(parseJson(pwt('hooks', 'show', '--json').stdout).changed).toEqual({ 'post-create': { approved: ['warm.mjs'], now: ['warm.mjs'] } });
  }, 60_000);

  it('a repository without project hooks has nothing to approve', () => {
    project = makeProject();
    expect(pwt('hooks', 'show', '--json').stdout).toContain('"hooks": {}');
    expect(pwt('hooks', 'approve').stderr).toMatch(/no project hooks: nothing to approve/);
    expect(existsSync(approvals())).toBe(false);
  }, 60_000);
});
