import { afterEach, describe, expect, it } from 'vitest';
import { existsSync, mkdirSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { spawnSync, type ChildProcess } from 'node:child_process';
import { makeProject, parseJson, type Project } from './helpers/sandbox.js';

let project: Project;
afterEach(() => project?.sandbox.cleanup(), 60_000);

const exited = (child: ChildProcess) =>
  new Promise<{ code: number | null; signal: NodeJS.Signals | null; stderr: string }>((resolve) => {
    let stderr = '';
    child.stderr?.on('data', (chunk) => (stderr += chunk));
    child.on('close', (code, signal) => resolve({ code, signal, stderr }));
  });

const waitFor = async (check: () => boolean, ms = 20_000) => {
  const deadline = Date.now() + ms;
  while (!check()) {
    if (Date.now() > deadline) throw new Error('timed out waiting');
    await new Promise((done) => setTimeout(done, 25));
  }
};

describe('concurrent pwt processes', () => {
  it('12 creates started at once all succeed and all are registered', async () => {
    project = makeProject();
    const { sandbox, main, sessionsDir } = project;
    const names = Array.from({ length: 12 }, (_, i) => `par-${i}`);
    const results = await Promise.all(names.map((name) => exited(sandbox.pwtAsync(main, ['create', name, '--goal', `goal ${name}`]))));
    for (const result of results) expect(result.code, result.stderr).toBe(0);

    const manifest = parseJson(readFileSync(join(sessionsDir, '.manifest.json'), 'utf8'));
    expect(manifest.sessions.map((s: { id: string }) => s.id).sort()).toEqual([...names].sort());
    for (const session of manifest.sessions) expect(session.goals).toEqual([`goal ${session.id}`]);
    const worktrees = sandbox
      .git(main, 'worktree', 'list', '--porcelain')
      .split('\n')
      .filter((line) => line.startsWith(`worktree ${sessionsDir}/`))
      .map((line) => line.slice(`worktree ${sessionsDir}/`.length))
      .sort();
    expect(worktrees).toEqual([...names].sort());
    const status = parseJson(sandbox.pwt(main, ['status', '--json']).stdout);
    expect(status.orphans).toEqual([]);
  }, 60_000);

  it('a create killed after its worktree exists leaves a leftover that status reports truthfully', async () => {
    project = makeProject();
    const { sandbox, main, sessionsDir } = project;
    expect(sandbox.pwt(main, ['create', 'first']).code).toBe(0);
    // Hold the manifest lock so the create stops right before it registers.
    const lock = join(sessionsDir, '.manifest.json.lock');
    mkdirSync(lock);
    writeFileSync(join(lock, 'pid'), `${process.pid}\n`);
    const child = sandbox.pwtAsync(main, ['create', 'victim']);
    const done = exited(child);
    await waitFor(() => existsSync(join(sessionsDir, 'victim', '.git')));
    await new Promise((resolve) => setTimeout(resolve, 200));
    child.kill('SIGKILL');
    expect((await done).signal).toBe('SIGKILL');
    rmSync(lock, { recursive: true });

    const status = parseJson(sandbox.pwt(main, ['status', '--json']).stdout);
    expect(status.sessions.map((s: { id: string }) => s.id)).toEqual(['first']);
    expect(status.orphans).toEqual([{ kind: 'unregistered-worktree', id: 'victim', path: join(sessionsDir, 'victim'), branch: 'session/victim' }]);
  }, 60_000);

  it('a lock held by a live pwt makes writers give up with exit 3 naming the lock; a stale lock is taken over', () => {
    project = makeProject();
    const { sandbox, main, sessionsDir } = project;
    mkdirSync(sessionsDir);
    const lock = join(sessionsDir, '.manifest.json.lock');
    mkdirSync(lock);
    writeFileSync(join(lock, 'pid'), `${process.pid}\n`);
    const held = sandbox.pwt(main, ['create', 'blocked'], { PWT_LOCK_TIMEOUT_MS: '800' });
    expect(held.code).toBe(3);
    expect(held.stderr).toContain(lock);
    expect(held.stderr.trim().split('\n')).toHaveLength(1);
    // Rolled back: nothing half-made.
    expect(existsSync(join(sessionsDir, 'blocked'))).toBe(false);
    expect(sandbox.git(main, 'branch', '--list', 'session/blocked').trim()).toBe('');

    // A plain file where the lock directory belongs: one clear line, exit 3, nothing half-made.
    rmSync(lock, { recursive: true });
    writeFileSync(lock, '');
    const inTheWay = sandbox.pwt(main, ['create', 'blocked']);
    expect(inTheWay.code).toBe(3);
    expect(inTheWay.stderr).toMatch(/is in the way: it should be a lock directory but is a file/);
    expect(existsSync(join(sessionsDir, 'blocked'))).toBe(false);
    rmSync(lock);
    mkdirSync(lock);

    const old = new Date(Date.now() - 60_000);
    utimesSync(lock, old, old);
    const doctor = parseJson(sandbox.pwt(main, ['doctor', '--json']).stdout);
    expect(doctor.checks.find((c: { name: string }) => c.name === 'lock')).toMatchObject({ level: 'warn', detail: expect.stringMatching(/stale lock/) });
    expect(sandbox.pwt(main, ['create', 'after-stale']).code).toBe(0);
    expect(existsSync(lock)).toBe(false);
  }, 60_000);
  it("a lock folder whose holder is unknown or gone is taken over at once (manifest lock, session lock); dead writers' leftovers are swept", () => {
    project = makeProject();
    const { sandbox, main, sessionsDir } = project;
    expect(sandbox.pwt(main, ['create', 'first']).code).toBe(0);
    const locks = join(sessionsDir, '.pwt', 'locks');
    mkdirSync(locks, { recursive: true });
    const manifestLock = join(sessionsDir, '.manifest.json.lock');
    const dead = spawnSync('true').pid as number;
    // No pid inside (as a kill between mkdir and the pid write left it with the old scheme), and a dead holder.
    mkdirSync(manifestLock);
    mkdirSync(join(locks, 'first.lock'));
    writeFileSync(join(locks, 'first.lock', 'pid'), `${dead}\n`);
    // A temp manifest and a half-made lock folder of a killed writer.
    const temp = join(sessionsDir, `..manifest.json.${dead}.1.1.tmp`);
    writeFileSync(temp, '{');
    mkdirSync(join(sessionsDir, `.manifest.json.lock.new-${dead}-1`));
    const started = Date.now();
    const created = sandbox.pwt(main, ['create', 'second']);
    expect(created.code, created.stderr).toBe(0);
    const removed = sandbox.pwt(main, ['rm', 'first', '--strategy', 'keep']);
    expect(removed.code, removed.stderr).toBe(0);
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(existsSync(manifestLock)).toBe(false);
    expect(existsSync(join(locks, 'first.lock'))).toBe(false);
    expect(existsSync(temp)).toBe(false);
    expect(existsSync(join(sessionsDir, `.manifest.json.lock.new-${dead}-1`))).toBe(false);
    expect(sandbox.git(main, 'branch', '--list', 'session/first').trim()).toBe('session/first');
  }, 60_000);
});
