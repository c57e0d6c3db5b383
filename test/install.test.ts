import { afterEach, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { makeProject, type Project } from './helpers/sandbox.js';

const repoRoot = resolve(import.meta.dirname, '..');

let project: Project;
afterEach(() => project?.sandbox.cleanup(), 60_000);

describe('a global install (npm install -g .)', () => {
  it('puts a working pwt on PATH', () => {
    project = makeProject();
    const { sandbox, main } = project;
    const prefix = resolve(sandbox.root, 'global');
    const install = sandbox.sh('npm', ['install', '--global', '--prefix', prefix, '--no-audit', '--no-fund', repoRoot], sandbox.root);
    expect(install.code, install.stderr).toBe(0);
    const env = { PATH: `${prefix}/bin:${sandbox.env.PATH}` };
    const created = sandbox.sh('pwt', ['create', 'g1', '--json'], main, env);
    expect(created.code, created.stderr).toBe(0);
    expect(sandbox.sh('pwt', ['path', 'g1'], main, env).stdout).toBe(`${resolve(project.sessionsDir, 'g1')}\n`);
    expect(sandbox.sh('pwt', ['status'], main, env).stdout).toMatch(/^g1\s+just now\s+clean/m);
  }, 120_000);
});

describe('the published package (npm pack, then npm install -g <tarball>)', () => {
  it('installs offline as parallel-worktrees with bin pwt, docs included, and no install-time script', () => {
    project = makeProject();
    const { sandbox, main } = project;
    const before = readFileSync(join(repoRoot, 'package.json'), 'utf8');
    const pack = sandbox.sh('npm', ['pack', '--json', '--pack-destination', sandbox.root], repoRoot);
    expect(pack.code, pack.stderr).toBe(0);
    expect(readFileSync(join(repoRoot, 'package.json'), 'utf8')).toBe(before);
    const [packed] = JSON.parse(pack.stdout.slice(pack.stdout.indexOf('['))) as Array<{ name: string; filename: string; files: Array<{ path: string }> }>;
    expect(packed?.name).toBe('parallel-worktrees');
    const files = packed!.files.map((file) => file.path);
    for (const wanted of [
      'dist/cli.cjs',
      'docs/hooks.md',
      'hooks/dispatch.sh',
      'templates/dev-session.start.md',
      'README.md',
      'node_modules/proper-lockfile/package.json',
    ])
      expect(files).toContain(wanted);
    expect(files.filter((file) => file.startsWith('src/') || file.startsWith('scripts/') || file.startsWith('test/'))).toEqual([]);

    const tarball = join(sandbox.root, packed!.filename);
    const inner = sandbox.sh('tar', ['-xzOf', tarball, 'package/package.json'], sandbox.root);
    const manifest = JSON.parse(inner.stdout) as { scripts?: unknown; bin: Record<string, string> };
    expect(manifest.scripts).toBeUndefined();
    expect(manifest.bin).toEqual({ pwt: 'dist/cli.cjs' });

    // --offline with an empty cache: everything pwt needs at run time is in the tarball.
    const prefix = join(sandbox.root, 'global');
    const install = sandbox.sh(
      'npm',
      [
        'install',
        '--global',
        '--offline',
        '--foreground-scripts',
        '--cache',
        join(sandbox.root, 'npm-cache'),
        '--prefix',
        prefix,
        '--no-audit',
        '--no-fund',
        tarball,
      ],
      sandbox.root,
    );
    expect(install.code, install.stderr).toBe(0);
    expect(`${install.stdout}${install.stderr}`).not.toMatch(/install-scripts|prepare|postinstall/);
    const env = { PATH: `${prefix}/bin:${sandbox.env.PATH}` };
    expect(sandbox.sh('pwt', ['--version'], main, env).stdout.trim()).toBe((JSON.parse(before) as { version: string }).version);
    const created = sandbox.sh('pwt', ['create', 'g1', '--json'], main, env);
    expect(created.code, created.stderr).toBe(0);
    expect(sandbox.sh('pwt', ['path', 'g1'], main, env).stdout).toBe(`${resolve(project.sessionsDir, 'g1')}\n`);
    const removed = sandbox.sh('pwt', ['remove', 'g1', '--strategy', 'abandon', '--yes'], main, env);
    expect(removed.code, removed.stderr).toBe(0);
  }, 180_000);
});
