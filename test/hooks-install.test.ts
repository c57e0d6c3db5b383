import { afterEach, describe, expect, it } from 'vitest';
import { existsSync, mkdirSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { NODE, commitFile, makeProject, parseJson, type Project, type Sandbox } from './helpers/sandbox.js';

const HUSKY_BIN = join(import.meta.dirname, '../node_modules/husky/bin.js');

let project: Project;
afterEach(() => project?.sandbox.cleanup(), 60_000);

/** Every file under a folder with its bytes, mode and mtime: "changes nothing" means this is equal. */
function snapshot(dir: string): Record<string, { text: string; mode: number; mtime: number }> {
  const out: Record<string, { text: string; mode: number; mtime: number }> = {};
  if (!existsSync(dir)) return out;
  for (const name of readdirSync(dir)) {
    const stat = statSync(join(dir, name));
    if (stat.isFile()) out[name] = { text: readFileSync(join(dir, name), 'utf8'), mode: stat.mode & 0o7777, mtime: stat.mtimeMs };
  }
  return out;
}

/** A user hook that logs its name, $0, arguments and stdin to a file beside the repo. */
function loggingHook(logFile: string, shebang = '#!/bin/sh'): string {
  return `${shebang}\n# the user's own hook\nprintf '%s|%s|%s\\n' "user $(basename "$0")" "$*" "$(cat | tr '\\n' ';')" >> '${logFile}'\n`;
}

describe('pwt hooks install / uninstall', () => {
  it('installs both hooks with a marker, reports them, re-installs without changing a byte, uninstalls to nothing', () => {
    project = makeProject();
    const { sandbox, main } = project;
    const hooksDir = join(main, '.git', 'hooks');
    const before = snapshot(hooksDir);

    const installed = sandbox.pwt(main, ['hooks', 'install', '--json']);
    expect(installed.code, installed.stderr).toBe(0);
    const result = parseJson(installed.stdout);
    expect(result.hooksDir).toBe(hooksDir);
    expect(result.actions.map((action: { op: string }) => action.op)).toEqual(['created', 'created']);
    for (const hook of ['post-checkout', 'pre-push']) {
      const file = join(hooksDir, hook);
      expect(readFileSync(file, 'utf8')).toMatch(/^#!\/bin\/sh\n# pwt-hooks: /);
      expect(statSync(file).mode & 0o111).toBe(0o111);
    }
    const dispatcher = join(main, '.git', 'pwt', 'hooks.sh');
    expect(readFileSync(dispatcher, 'utf8')).toContain(`_pwt_sessions='${project.sessionsDir}'`);

    const status = parseJson(sandbox.pwt(main, ['hooks', 'status', '--json']).stdout);
    expect(status).toMatchObject({ installed: true, hooksDir, hooksPath: null, dispatcherState: 'current' });
    expect(status.hooks.map((hook: { state: string }) => hook.state)).toEqual(['installed', 'installed']);
    expect(sandbox.pwt(main, ['hooks', 'status']).stdout).toMatch(/post-checkout\s+installed/);

    const afterFirst = { hooks: snapshot(hooksDir), pwt: snapshot(join(main, '.git', 'pwt')) };
    const again = parseJson(sandbox.pwt(main, ['hooks', 'install', '--json']).stdout);
    expect(again.dispatcherOp).toBe('unchanged');
    expect(again.actions.map((action: { op: string }) => action.op)).toEqual(['unchanged', 'unchanged']);
    expect({ hooks: snapshot(hooksDir), pwt: snapshot(join(main, '.git', 'pwt')) }).toEqual(afterFirst);

    const removed = sandbox.pwt(main, ['hooks', 'uninstall', '--json']);
    expect(parseJson(removed.stdout).actions.map((action: { op: string }) => action.op)).toEqual(['removed', 'removed']);
    expect(snapshot(hooksDir)).toEqual(before);
    expect(existsSync(join(main, '.git', 'pwt'))).toBe(false);
    expect(parseJson(sandbox.pwt(main, ['hooks', 'status', '--json']).stdout).installed).toBe(false);
  }, 60_000);

  it('chains into an existing shell hook by one line: it still runs with its args and stdin, and comes back byte for byte', () => {
    project = makeProject();
    const { sandbox, main, sessionsDir } = project;
    const hooksDir = join(main, '.git', 'hooks');
    const logFile = join(sandbox.root, 'user-hook.log');
    const originals = {
      'post-checkout': loggingHook(logFile, '#!/usr/bin/env sh'),
      // CRLF and a missing final newline must survive too.
      'pre-push': `${loggingHook(logFile, '#!/bin/bash').replace('# the user', '# the\r\n# user')}exit 0`,
    };
    writeFileSync(join(hooksDir, 'post-checkout'), originals['post-checkout'], { mode: 0o750 });
    writeFileSync(join(hooksDir, 'pre-push'), originals['pre-push'], { mode: 0o755 });
    const before = snapshot(hooksDir);

    const result = parseJson(sandbox.pwt(main, ['hooks', 'install', '--json']).stdout);
    expect(result.actions.map((action: { op: string }) => action.op)).toEqual(['chained-line', 'chained-line']);
    const chained = readFileSync(join(hooksDir, 'pre-push'), 'utf8').split('\n');
    expect(chained[0]).toBe('#!/bin/bash');
    expect(chained[1]).toMatch(/pwt-hooks: added by pwt hooks install/);
    expect(statSync(join(hooksDir, 'post-checkout')).mode & 0o7777).toBe(0o750);
    expect(parseJson(sandbox.pwt(main, ['hooks', 'status', '--json']).stdout).hooks.map((hook: { how: string }) => hook.how)).toEqual(['line', 'line']);

    // Both hooks do their work: pwt adopts the worktree, the user's hook logs.
    sandbox.git(main, 'worktree', 'add', '--quiet', join(sessionsDir, 'x'), '-b', 'session/x');
    const head = sandbox.git(main, 'rev-parse', 'HEAD').trim();
    commitFile(sandbox, join(sessionsDir, 'x'), 'x.txt', 'x\n');
    const tip = sandbox.git(main, 'rev-parse', 'session/x').trim();
    sandbox.git(join(sessionsDir, 'x'), 'push', '--quiet', 'origin', 'session/x');
    const lines = readFileSync(logFile, 'utf8').trim().split('\n');
    expect(lines[0]).toBe(`user post-checkout|${'0'.repeat(40)} ${head} 1|`);
    expect(lines[1]).toBe(`user pre-push|origin ${project.origin}|refs/heads/session/x ${tip} refs/heads/session/x ${'0'.repeat(40)};`);
    const manifest = parseJson(readFileSync(join(sessionsDir, '.manifest.json'), 'utf8'));
    expect(manifest.sessions).toHaveLength(1);
    expect(manifest.sessions[0]).toMatchObject({ id: 'x', remote: 'origin', lastPushedAt: expect.any(String) });

    expect(sandbox.pwt(main, ['hooks', 'install', '--json']).stdout).toMatch(/"op": "unchanged"/);
    const removed = parseJson(sandbox.pwt(main, ['hooks', 'uninstall', '--json']).stdout);
    expect(removed.actions.map((action: { op: string }) => action.op)).toEqual(['line-removed', 'line-removed']);
    const after = snapshot(hooksDir);
    for (const hook of ['post-checkout', 'pre-push'] as const) {
      expect(after[hook]?.text).toBe(originals[hook]);
      expect(after[hook]?.mode).toBe(before[hook]?.mode);
    }
  }, 60_000);

  it('moves a hook that is not a shell script aside, runs it with the same args and stdin, and renames it back', () => {
    project = makeProject();
    const { sandbox, main, sessionsDir } = project;
    const hooksDir = join(main, '.git', 'hooks');
    const logFile = join(sandbox.root, 'node-hook.log');
    const nodeHook = [
      '#!/usr/bin/env node',
      "const { appendFileSync, readFileSync } = require('node:fs');",
      "const input = readFileSync(0, 'utf8');",
      `appendFileSync(${JSON.stringify(logFile)}, require('node:path').basename(process.argv[1]) + '|' + process.argv.slice(2).join(' ') + '|' + input.replace(/\\n/g, ';') + '\\n');`,
      '',
    ].join('\n');
    writeFileSync(join(hooksDir, 'pre-push'), nodeHook, { mode: 0o700 });
    const before = snapshot(hooksDir);

    const result = parseJson(sandbox.pwt(main, ['hooks', 'install', '--json']).stdout);
    expect(result.actions.map((action: { op: string }) => action.op)).toEqual(['created', 'moved-original']);
    expect(readFileSync(join(hooksDir, 'pre-push.pwt-orig'), 'utf8')).toBe(nodeHook);
    const status = parseJson(sandbox.pwt(main, ['hooks', 'status', '--json']).stdout);
    expect(status.hooks[1]).toMatchObject({ state: 'chained', how: 'moved', original: join(hooksDir, 'pre-push.pwt-orig') });

    sandbox.git(main, 'worktree', 'add', '--quiet', join(sessionsDir, 'y'), '-b', 'session/y');
    const tip = sandbox.git(main, 'rev-parse', 'session/y').trim();
    sandbox.git(join(sessionsDir, 'y'), 'push', '--quiet', 'origin', 'session/y');
    expect(readFileSync(logFile, 'utf8')).toBe(
      `pre-push.pwt-orig|origin ${project.origin}|refs/heads/session/y ${tip} refs/heads/session/y ${'0'.repeat(40)};\n`,
    );

    const removed = parseJson(sandbox.pwt(main, ['hooks', 'uninstall', '--json']).stdout);
    expect(removed.actions.map((action: { op: string }) => action.op)).toEqual(['removed', 'restored-original']);
    const after = snapshot(hooksDir);
    expect(after['pre-push']).toEqual(before['pre-push']);
    expect(after['pre-push.pwt-orig']).toBeUndefined();
  }, 60_000);

  it('uses core.hooksPath in a husky layout (.husky/_), keeps husky running, and sees plain worktree adds', () => {
    project = makeProject();
    const { sandbox, main, sessionsDir } = project;
    const husky = makeHuskyLayout(sandbox, main);
    expect(sandbox.git(main, 'config', 'core.hooksPath').trim()).toBe('.husky/_');
    const logFile = join(sandbox.root, 'husky.log');
    writeFileSync(join(main, '.husky', 'post-checkout'), `echo "husky post-checkout $*" >> '${logFile}'\n`);
    writeFileSync(join(main, '.husky', 'pre-push'), `echo "husky pre-push $* stdin=$(cat | tr '\\n' ';')" >> '${logFile}'\n`);
    sandbox.git(main, 'add', '.husky');
    sandbox.git(main, 'commit', '--quiet', '-m', 'husky');
    const before = snapshot(husky);

    const result = parseJson(sandbox.pwt(main, ['hooks', 'install', '--json']).stdout);
    expect(result).toMatchObject({ hooksDir: husky, hooksPath: '.husky/_', perWorktree: true });
    expect(result.actions.map((action: { op: string }) => action.op)).toEqual(['chained-line', 'chained-line']);
    expect(existsSync(join(main, '.git', 'hooks', 'post-checkout'))).toBe(false);
    expect(sandbox.git(main, 'status', '--porcelain')).toBe('');

    sandbox.git(main, 'worktree', 'add', '--quiet', join(sessionsDir, 'h'), '-b', 'session/h');
    const status = parseJson(sandbox.pwt(main, ['status', '--json']).stdout);
    expect(status.sessions.map((session: { id: string; branch: string }) => [session.id, session.branch])).toEqual([['h', 'session/h']]);
    expect(status.orphans).toEqual([]);
    const head = sandbox.git(main, 'rev-parse', 'HEAD').trim();
    expect(readFileSync(logFile, 'utf8')).toBe(`husky post-checkout ${'0'.repeat(40)} ${head} 1\n`);

    // From the main worktree (its .husky/_ runs): the refused push never reaches husky's script.
    const refused = sandbox.sh('git', ['push', 'origin', 'session/h:main'], main);
    expect(refused.code).not.toBe(0);
    expect(refused.stderr).toContain('pwt remove h --strategy pr');
    sandbox.git(main, 'push', '--quiet', 'origin', 'session/h');
    expect(readFileSync(logFile, 'utf8')).toContain(
      `husky pre-push origin ${project.origin} stdin=refs/heads/session/h ${head} refs/heads/session/h ${'0'.repeat(40)};`,
    );

    // core.hooksPath is relative: the session runs hooks from its own .husky/_, which husky makes only on
    // npm install; adopting the worktree copied the main worktree's (pwt's hooks included), ignored as there.
    const wt = join(sessionsDir, 'h');
    expect(existsSync(join(wt, '.husky', '_', 'pre-push'))).toBe(true);
    expect(sandbox.git(wt, 'status', '--porcelain')).toBe('');
    rmSync(join(wt, '.husky', '_'), { recursive: true });
    const early = sandbox.pwt(wt, ['hooks', 'install']);
    expect(early.code).toBe(3);
    expect(early.stderr).toMatch(/not ignored by git: pwt's hook would show up in git status\. Let your hook manager create/);
    makeHuskyLayout(sandbox, wt); // what `npm install` (husky) does in the session
    expect(sandbox.pwt(wt, ['hooks', 'install']).code).toBe(0);
    expect(sandbox.git(wt, 'status', '--porcelain')).toBe('');
    const fromSession = sandbox.sh('git', ['push', 'origin', 'session/h:main'], wt);
    expect(fromSession.code).not.toBe(0);
    expect(fromSession.stderr).toContain('pwt remove h --strategy pr');
    // The dispatcher is shared: uninstalling in the session keeps it for the main worktree.
    expect(parseJson(sandbox.pwt(wt, ['hooks', 'uninstall', '--json']).stdout).dispatcherOp).toBe('kept');

    sandbox.pwt(main, ['hooks', 'uninstall']);
    expect(existsSync(join(main, '.git', 'pwt', 'hooks.sh'))).toBe(false);
    // Same bytes and modes (the files were edited in place, so their mtimes moved).
    const bytesAndModes = (files: ReturnType<typeof snapshot>) =>
      Object.fromEntries(Object.entries(files).map(([name, file]) => [name, [file.text, file.mode]]));
    expect(bytesAndModes(snapshot(husky))).toEqual(bytesAndModes(before));
  }, 60_000);

  it('refuses to edit a hook committed to the repository', () => {
    project = makeProject();
    const { sandbox, main } = project;
    mkdirSync(join(main, '.githooks'));
    writeFileSync(join(main, '.githooks', 'pre-push'), '#!/bin/sh\necho team hook\n', { mode: 0o755 });
    sandbox.git(main, 'add', '.githooks');
    sandbox.git(main, 'commit', '--quiet', '-m', 'team hooks');
    sandbox.git(main, 'config', 'core.hooksPath', '.githooks');
    const result = sandbox.pwt(main, ['hooks', 'install']);
    expect(result.code).toBe(3);
    expect(result.stderr).toMatch(/pre-push is committed to this repository; pwt will not change it\. Add this line/);
    expect(sandbox.git(main, 'status', '--porcelain')).toBe('');
  }, 60_000);

  it('is checked by pwt doctor', () => {
    project = makeProject();
    const { sandbox, main } = project;
    const check = () => parseJson(sandbox.pwt(main, ['doctor', '--json']).stdout).checks.find((entry: { name: string }) => entry.name === 'hooks');
    expect(check()).toMatchObject({ level: 'warn', fix: expect.stringContaining('pwt hooks install') });
    sandbox.pwt(main, ['hooks', 'install']);
    expect(check()).toMatchObject({ level: 'ok' });
  }, 60_000);
});

/**
 * Runs the real husky (v9, a devDependency) in `cwd`, as its `prepare` script
 * does on `npm install`: it sets core.hooksPath to .husky/_ and writes `h`
 * plus one two-line stub per hook there. `h` finds the user's script through
 * basename "$0", which is why pwt must not move these files.
 */
function makeHuskyLayout(sandbox: Sandbox, cwd: string): string {
  const result = sandbox.sh(NODE, [HUSKY_BIN], cwd);
  if (result.code !== 0 || result.stdout.trim()) throw new Error(`husky failed: ${result.stdout}${result.stderr}`);
  return join(cwd, '.husky', '_');
}
