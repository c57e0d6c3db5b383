import { afterEach, describe, expect, it } from 'vitest';
import { chmodSync, existsSync, lstatSync, mkdirSync, readFileSync, readlinkSync, statSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { commitFile, makeProject, parseJson, type Project } from './helpers/sandbox.js';

/** `.pwt.json` "copy": ignored files from the main worktree into new and adopted sessions. */
let project: Project;
afterEach(() => project?.sandbox.cleanup(), 60_000);

const git = (cwd: string, ...args: string[]) => project.sandbox.git(cwd, ...args).trim();

/** An ignored node_modules with a nested package, an executable, a relative .bin symlink; a build cache; an .env. */
function warmMain(copy: string[]): void {
  project = makeProject();
  const { main } = project;
  commitFile(project.sandbox, main, '.gitignore', '.env\nnode_modules/\n.cache/\n', 'ignore');
  commitFile(project.sandbox, main, '.pwt.json', JSON.stringify({ copy }), 'config');
  mkdirSync(join(main, 'node_modules', 'left-pad', 'bin'), { recursive: true });
  writeFileSync(join(main, 'node_modules', 'left-pad', 'index.js'), 'module.exports = 1;\n');
  writeFileSync(join(main, 'node_modules', 'left-pad', 'bin', 'pad'), '#!/bin/sh\necho padded\n');
  chmodSync(join(main, 'node_modules', 'left-pad', 'bin', 'pad'), 0o755);
  mkdirSync(join(main, 'node_modules', '.bin'));
  symlinkSync('../left-pad/bin/pad', join(main, 'node_modules', '.bin', 'pad'));
  mkdirSync(join(main, 'packages', 'ui', '.cache'), { recursive: true });
  writeFileSync(join(main, 'packages', 'ui', '.cache', 'build.json'), '{"hash":1}\n');
  utimesSync(join(main, 'packages', 'ui', '.cache', 'build.json'), new Date('2025-05-05T05:05:05Z'), new Date('2025-05-05T05:05:05Z'));
  writeFileSync(join(main, '.env'), 'SECRET=1\n');
}

function expectWarm(session: string): void {
  const { main } = project;
  expect(readFileSync(join(session, 'node_modules', 'left-pad', 'index.js'), 'utf8')).toBe('module.exports = 1;\n');
  expect(statSync(join(session, 'node_modules', 'left-pad', 'bin', 'pad')).mode & 0o777).toBe(0o755);
  // The symlink is copied as it is (relative, inside the session's tree), not pointed back into main.
  expect(readlinkSync(join(session, 'node_modules', '.bin', 'pad'))).toBe('../left-pad/bin/pad');
  expect(project.sandbox.sh(join(session, 'node_modules', '.bin', 'pad'), [], session).stdout).toBe('padded\n');
  // Mtimes kept (build caches compare them); never a hardlink: editing the copy leaves main alone.
  expect(statSync(join(session, 'packages', 'ui', '.cache', 'build.json')).mtime.toISOString()).toBe('2025-05-05T05:05:05.000Z');
  const copied = join(session, 'node_modules', 'left-pad', 'index.js');
  expect(lstatSync(copied).nlink).toBe(1);
  expect(lstatSync(copied).ino).not.toBe(lstatSync(join(main, 'node_modules', 'left-pad', 'index.js')).ino);
  writeFileSync(copied, 'changed in the session\n');
  expect(readFileSync(join(main, 'node_modules', 'left-pad', 'index.js'), 'utf8')).toBe('module.exports = 1;\n');
  expect(readFileSync(join(session, '.env'), 'utf8')).toBe('SECRET=1\n');
  expect(git(session, 'status', '--porcelain')).toBe('');
}

describe('copy: warm sessions', () => {
  it('pwt create copies the matching ignored files and folders, copy-on-write where possible', () => {
    warmMain(['node_modules', '**/.cache']);
    const created = project.sandbox.pwt(project.main, ['create', 's1']);
    expect(created.code, created.stderr).toBe(0);
    expect(created.stderr).toMatch(/Copied node_modules, packages\/ui\/\.cache from the main worktree: 9 entries, 1 KB, (by reflink|byte by byte)/);
    expectWarm(join(project.sessionsDir, 's1'));
  }, 60_000);

  it('says how the copy was made (reflink or bytes), its size, entries and time, before the post-create hook runs, and in --json', () => {
    warmMain(['node_modules']);
    commitFile(
      project.sandbox,
      project.main,
      '.pwt.json',
      JSON.stringify({ copy: ['node_modules'], hooks: { 'post-create': 'echo post-create-ran' } }),
      'hook',
    );
    const created = project.sandbox.pwt(project.main, ['create', 's1', '--trust-hooks', '--json']);
    expect(created.code, created.stderr).toBe(0);
    const report = parseJson(created.stdout).copy;
    expect(report).toEqual({ paths: ['node_modules'], mode: expect.stringMatching(/^(reflink|bytes)$/), bytes: 42, entries: 7, ms: expect.any(Number) });
    // The mode agrees with what cp finds on this filesystem.
    const probe = project.sandbox.sh(
      'cp',
      ['--reflink=always', join(project.main, 'node_modules', 'left-pad', 'index.js'), join(project.sandbox.root, 'probe.js')],
      project.main,
    );
    expect(report.mode).toBe(probe.code === 0 ? 'reflink' : 'bytes');
    const line = created.stderr.indexOf('Copied node_modules from the main worktree: 7 entries');
    expect(line).toBeGreaterThan(-1);
    expect(created.stderr.indexOf('post-create-ran')).toBeGreaterThan(line);
  }, 60_000);

  it('pwt doctor warns on copy of node_modules paired with npm ci (which deletes the copy)', () => {
    warmMain(['node_modules']);
    commitFile(
      project.sandbox,
      project.main,
      '.pwt.json',
      JSON.stringify({ copy: ['node_modules'], hooks: { 'post-create': 'npm ci --prefer-offline' } }),
      'ci',
    );
    const checks = parseJson(project.sandbox.pwt(project.main, ['doctor', '--json']).stdout).checks;
    expect(checks).toContainEqual(expect.objectContaining({ name: 'copy', level: 'warn', fix: expect.stringMatching(/npm install --prefer-offline/) }));
    commitFile(
      project.sandbox,
      project.main,
      '.pwt.json',
      JSON.stringify({ copy: ['node_modules'], hooks: { 'post-create': 'npm install --prefer-offline' } }),
      'install',
    );
    expect(parseJson(project.sandbox.pwt(project.main, ['doctor', '--json']).stdout).checks.map((check: { name: string }) => check.name)).not.toContain('copy');
  }, 60_000);

  it('never overwrites what the checkout already has', () => {
    warmMain(['config/*.json']);
    mkdirSync(join(project.main, 'config'));
    commitFile(project.sandbox, project.main, 'config/tracked.json', '{"tracked":true}\n', 'tracked');
    writeFileSync(join(project.main, 'config', 'tracked.json'), '{"edited in main":true}\n');
    writeFileSync(join(project.main, 'config', 'local.json'), '{"local":true}\n');
    const created = project.sandbox.pwt(project.main, ['create', 's1', '--allow-dirty', '--json']);
    expect(created.code, created.stderr).toBe(0);
    const session = parseJson(created.stdout).path as string;
    expect(readFileSync(join(session, 'config', 'tracked.json'), 'utf8')).toBe('{"tracked":true}\n');
    expect(readFileSync(join(session, 'config', 'local.json'), 'utf8')).toBe('{"local":true}\n');
  }, 60_000);

  it('a worktree adopted by pwt cleanup gets env files and copy too', () => {
    warmMain(['node_modules', '**/.cache']);
    const path = join(project.sessionsDir, 'plain');
    git(project.main, 'worktree', 'add', '--quiet', '-b', 'session/plain', path);
    expect(existsSync(join(path, 'node_modules'))).toBe(false);
    const cleaned = project.sandbox.pwt(project.main, ['cleanup', '--force', '--json']);
    expect(cleaned.code, cleaned.stderr).toBe(0);
    expect(parseJson(cleaned.stdout).actions).toEqual([
      expect.objectContaining({ op: 'adopt', id: 'plain', copied: ['.env', 'node_modules', 'packages/ui/.cache'] }),
    ]);
    expectWarm(path);
  }, 60_000);

  it('a worktree adopted by the post-checkout hook gets env files and copy too', () => {
    warmMain(['node_modules', '**/.cache']);
    expect(project.sandbox.pwt(project.main, ['hooks', 'install']).code).toBe(0);
    const path = join(project.sessionsDir, 'viahook');
    const added = project.sandbox.sh('git', ['worktree', 'add', '--quiet', '-b', 'session/viahook', path], project.main);
    expect(added.code, added.stderr).toBe(0);
    expect(added.stderr).toContain('copied into it from the main worktree: .env, node_modules, packages/ui/.cache');
    expect(parseJson(project.sandbox.pwt(project.main, ['status', '--json']).stdout).sessions.map((each: { id: string }) => each.id)).toEqual(['viahook']);
    expectWarm(path);
  }, 60_000);
});
