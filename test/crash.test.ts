import { afterAll, describe, expect, it } from 'vitest';
import { execFileSync, spawnSync } from 'node:child_process';
import { chmodSync, existsSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { CLI, NODE, commitFile, makeProject, parseJson, type Project } from './helpers/sandbox.js';
import { gitsToCut, standInGit } from './helpers/stand-in-git.js';

/**
 * Crash consistency: each operation is cut with SIGKILL before its K-th git
 * (a stand-in git on PATH kills the pwt that started it), for every K whose
 * git may write (a logged run lists them), and before its K-th file change
 * (PWT_FAULT=kill-before-change:K), for every K until the operation runs
 * through. Each cut is followed by the same command again, and
 * git then shows that nothing is lost and the operation is complete. One
 * repository per operation is built once and copied back for every cut.
 */
const MAX_CUTS = 80;

interface Scenario {
  /** Builds the state the operation starts from (once). */
  prepare: (project: Project) => void;
  command: string[];
  /** Asserts, with git, that the operation is complete and nothing was lost. */
  check: (project: Project, cut: string) => void;
}

const roots: string[] = [];
afterAll(() => {
  for (const root of roots) rmSync(root, { recursive: true, force: true });
});

function run(project: Project, args: string[], env: NodeJS.ProcessEnv = {}) {
  const result = spawnSync(NODE, [CLI, ...args], { cwd: project.main, env: { ...project.sandbox.env, ...env }, encoding: 'utf8' });
  return { code: result.status, signal: result.signal, stdout: result.stdout ?? '', stderr: result.stderr ?? '' };
}

const git = (project: Project, cwd: string, ...args: string[]) => project.sandbox.git(cwd, ...args).trim();
const manifestOf = (project: Project) => JSON.parse(readFileSync(join(project.sessionsDir, '.manifest.json'), 'utf8'));
const sessionOf = (project: Project, id: string) => manifestOf(project).sessions.find((each: { id: string }) => each.id === id);
const intentsLeft = (project: Project) => {
  const dir = join(project.sessionsDir, '.pwt', 'intents');
  return existsSync(dir) ? readdirSync(dir).filter((name) => name.endsWith('.json')) : [];
};

/** The things every finished operation leaves: no intent waiting, no orphan. */
function checkSettled(project: Project, cut: string): void {
  expect(intentsLeft(project), cut).toEqual([]);
  const status = parseJson(run(project, ['status', '--json']).stdout);
  expect(status.orphans, cut).toEqual([]);
}

/**
 * Cuts `scenario` before every git that may write and before every file
 * change; returns how many gits ran, how many were cut and how many file
 * changes were cut. A logged run first lists the gits (gitsToCut): a cut
 * before a git that only reads leaves the same state on disk as a cut before
 * the next one that may write, so only those are cut.
 */
function cutEverywhere(scenario: Scenario): { gits: number; gitCuts: number; changes: number } {
  const project = makeProject();
  roots.push(project.sandbox.root, `${project.sandbox.root}.template`);
  scenario.prepare(project);
  const template = `${project.sandbox.root}.template`;
  execFileSync('cp', ['-a', project.sandbox.root, template]);
  const bin = standInGit(join(`${project.sandbox.root}.bin`));
  roots.push(bin);
  const counter = join(bin, 'count');
  const reset = () => {
    rmSync(project.sandbox.root, { recursive: true, force: true });
    execFileSync('cp', ['-a', template, project.sandbox.root]);
    rmSync(counter, { force: true });
    rmSync(`${counter}.log`, { force: true });
  };
  const name = scenario.command.join(' ');
  const gitEnv = (k: number) => ({ PATH: `${bin}:${project.sandbox.env.PATH}`, CRASH_KILL_AT: String(k), CRASH_COUNTER: counter });
  /** After a cut: the same command again finishes the job. */
  const again = (cut: string) => {
    const rerun = run(project, scenario.command);
    expect(rerun.code, `${cut}, then again: ${rerun.stderr}`).toBe(0);
    scenario.check(project, cut);
    checkSettled(project, cut);
  };

  reset();
  const logged = run(project, scenario.command, gitEnv(0));
  expect(logged.code, `${name} (not cut): ${logged.stderr}`).toBe(0);
  scenario.check(project, `${name} (not cut)`);
  checkSettled(project, `${name} (not cut)`);
  const { cut: writes, gits } = gitsToCut(readFileSync(`${counter}.log`, 'utf8'));
  for (const k of writes) {
    reset();
    const cut = `${name}, killed before git #${k}`;
    const cutRun = run(project, scenario.command, gitEnv(k));
    expect(cutRun.signal, `${cut}: it was not cut (${cutRun.stderr})`).toBe('SIGKILL');
    again(cut);
  }

  let changes = 0;
  for (let k = 1; k <= MAX_CUTS; k++) {
    reset();
    const cut = `${name}, killed before file change #${k}`;
    const cutRun = run(project, scenario.command, { PWT_FAULT: `kill-before-change:${k}` });
    if (cutRun.signal !== 'SIGKILL') {
      // Ran through: every file change has been cut.
      expect(cutRun.code, `${cut}: ${cutRun.stderr}`).toBe(0);
      scenario.check(project, `${name} (not cut)`);
      checkSettled(project, cut);
      changes = k - 1;
      break;
    }
    expect(k, `${cut}: never ran through`).toBeLessThan(MAX_CUTS);
    again(cut);
  }
  // The stand-in git and the fault hook did cut: a harness that never kills would pass everything.
  expect(writes.length, 'gits cut').toBeGreaterThan(0);
  expect(changes, 'file changes cut').toBeGreaterThan(0);
  return { gits, gitCuts: writes.length, changes };
}

/** Same, but the cut is followed by pwt cleanup --force: whatever was recorded finishes. */
function cutThenCleanup(scenario: Scenario, check: (project: Project, cut: string, recorded: boolean) => void): number {
  const project = makeProject();
  roots.push(project.sandbox.root, `${project.sandbox.root}.template`);
  scenario.prepare(project);
  const template = `${project.sandbox.root}.template`;
  execFileSync('cp', ['-a', project.sandbox.root, template]);
  let finished = 0;
  for (let k = 1; k <= MAX_CUTS; k++) {
    rmSync(project.sandbox.root, { recursive: true, force: true });
    execFileSync('cp', ['-a', template, project.sandbox.root]);
    const cut = `${scenario.command.join(' ')}, killed before change #${k}, then pwt cleanup --force`;
    const cutRun = run(project, scenario.command, { PWT_FAULT: `kill-before-change:${k}` });
    if (cutRun.signal !== 'SIGKILL') break;
    const recorded = intentsLeft(project).length > 0;
    if (recorded) finished++;
    const cleaned = run(project, ['cleanup', '--force']);
    expect(cleaned.code, `${cut}: ${cleaned.stderr}`).toBe(0);
    check(project, cut, recorded);
    checkSettled(project, cut);
  }
  return finished;
}

const createScenario: Scenario = {
  prepare: () => {},
  command: ['create', 'c', '--goal', 'ship it'],
  check: (project, cut) => {
    expect(sessionOf(project, 'c')?.goals, cut).toContain('ship it');
    expect(git(project, project.main, 'rev-parse', 'refs/heads/session/c'), cut).toBe(git(project, project.main, 'rev-parse', 'main'));
    expect(existsSync(join(project.sessionsDir, 'c', 'README.md')), cut).toBe(true);
  },
};

describe('crash consistency: every cut completes on the re-run', () => {
  it('create: cut before every git and every file change, then pwt create again: the session exists with its goals', () => {
    const counts = cutEverywhere(createScenario);
    expect(counts.gits).toBeGreaterThan(3);
    expect(counts.changes).toBeGreaterThan(1);
  }, 600_000);

  it('create: cut before every file change, then pwt cleanup: what was recorded is finished with its goals', () => {
    const finished = cutThenCleanup(createScenario, (project, cut, recorded) => {
      if (recorded) createScenario.check(project, cut);
    });
    expect(finished).toBeGreaterThan(0);
  }, 600_000);

  it('open: cut everywhere, then pwt open again: the kept branch is a session again with the goals given, its commits unchanged', () => {
    let tip = '';
    cutEverywhere({
      prepare: (project) => {
        expect(run(project, ['create', 'k', '--goal', 'remembered']).code).toBe(0);
        commitFile(project.sandbox, join(project.sessionsDir, 'k'), 'k.txt', 'k\n');
        expect(run(project, ['rm', 'k', '--strategy', 'keep']).code).toBe(0);
        tip = git(project, project.main, 'rev-parse', 'refs/heads/session/k');
      },
      command: ['open', 'k', '--goal', 'more'],
      check: (project, cut) => {
        expect(sessionOf(project, 'k')?.goals, cut).toContain('more');
        expect(git(project, project.main, 'rev-parse', 'refs/heads/session/k'), cut).toBe(tip);
        expect(git(project, join(project.sessionsDir, 'k'), 'rev-parse', 'HEAD'), cut).toBe(tip);
        expect(readFileSync(join(project.sessionsDir, 'k', 'k.txt'), 'utf8'), cut).toBe('k\n');
      },
    });
  }, 600_000);

  it('restore: cut everywhere, then pwt restore again: branch, commits, uncommitted and untracked files and goals come back', () => {
    let tip = '';
    cutEverywhere({
      prepare: (project) => {
        expect(run(project, ['create', 'r', '--goal', 'keep me']).code).toBe(0);
        const path = join(project.sessionsDir, 'r');
        commitFile(project.sandbox, path, 'r.txt', 'r\n');
        writeFileSync(join(path, 'README.md'), '# edited\n');
        writeFileSync(join(path, 'new.txt'), 'untracked\n');
        tip = git(project, path, 'rev-parse', 'HEAD');
        const abandoned = run(project, ['rm', 'r', '--strategy', 'abandon', '--yes', '--force']);
        expect(abandoned.code, abandoned.stderr).toBe(0);
      },
      command: ['restore', 'r'],
      check: (project, cut) => {
        const path = join(project.sessionsDir, 'r');
        expect(sessionOf(project, 'r')?.goals, cut).toEqual(['keep me']);
        expect(git(project, project.main, 'rev-parse', 'refs/heads/session/r'), cut).toBe(tip);
        expect(git(project, path, 'rev-parse', 'HEAD'), cut).toBe(tip);
        expect(readFileSync(join(path, 'README.md'), 'utf8'), cut).toBe('# edited\n');
        expect(readFileSync(join(path, 'new.txt'), 'utf8'), cut).toBe('untracked\n');
      },
    });
  }, 600_000);

  for (const mode of ['merge', 'rebase'] as const) {
    it(`sync${mode === 'rebase' ? ' --rebase' : ''}: cut everywhere, then again: the base's commits are in, the session's own work kept, the base commit recorded`, () => {
      cutEverywhere({
        prepare: (project) => {
          expect(run(project, ['create', 's']).code).toBe(0);
          commitFile(project.sandbox, join(project.sessionsDir, 's'), 'own.txt', 'own\n');
          commitFile(project.sandbox, project.main, 'base.txt', 'base\n');
        },
        command: ['sync', 's', ...(mode === 'rebase' ? ['--rebase'] : [])],
        check: (project, cut) => {
          const path = join(project.sessionsDir, 's');
          const main = git(project, project.main, 'rev-parse', 'main');
          expect(project.sandbox.sh('git', ['merge-base', '--is-ancestor', main, 'HEAD'], path).code, cut).toBe(0);
          expect(readFileSync(join(path, 'own.txt'), 'utf8'), cut).toBe('own\n');
          expect(git(project, path, 'status', '--porcelain'), cut).toBe('');
          expect(sessionOf(project, 's')?.baseCommit, cut).toBe(main);
        },
      });
    }, 600_000);
  }

  const ended = (project: Project, id: string, cut: string) => {
    expect(sessionOf(project, id), cut).toBeUndefined();
    expect(existsSync(join(project.sessionsDir, id)), cut).toBe(false);
    expect(git(project, project.main, 'worktree', 'list', '--porcelain'), cut).not.toContain(join(project.sessionsDir, id));
  };
  const withWork = (project: Project, id: string, dirty: boolean) => {
    expect(run(project, ['create', id, '--goal', 'work']).code).toBe(0);
    const path = join(project.sessionsDir, id);
    commitFile(project.sandbox, path, `${id}.txt`, `${id}\n`);
    if (dirty) {
      writeFileSync(join(path, 'README.md'), '# edited\n');
      writeFileSync(join(path, 'new.txt'), 'untracked\n');
    }
    return git(project, path, 'rev-parse', 'HEAD');
  };

  it('remove --strategy keep: cut everywhere, then again: the branch stays at its tip, the session ends', () => {
    let tip = '';
    cutEverywhere({
      prepare: (project) => void (tip = withWork(project, 'k', false)),
      command: ['rm', 'k', '--strategy', 'keep'],
      check: (project, cut) => {
        ended(project, 'k', cut);
        expect(git(project, project.main, 'rev-parse', 'refs/heads/session/k'), cut).toBe(tip);
      },
    });
  }, 600_000);

  it('remove --strategy merge: cut everywhere, then again: the base holds the work, the session ends', () => {
    let tip = '';
    cutEverywhere({
      prepare: (project) => void (tip = withWork(project, 'm', false)),
      command: ['rm', 'm', '--strategy', 'merge'],
      check: (project, cut) => {
        ended(project, 'm', cut);
        expect(project.sandbox.sh('git', ['merge-base', '--is-ancestor', tip, 'main'], project.main).code, cut).toBe(0);
      },
    });
  }, 600_000);

  it('remove --strategy abandon: cut everywhere, then again: one archive, holding the commits and the uncommitted work', () => {
    let tip = '';
    cutEverywhere({
      prepare: (project) => void (tip = withWork(project, 'a', true)),
      command: ['rm', 'a', '--strategy', 'abandon', '--yes', '--force'],
      check: (project, cut) => {
        ended(project, 'a', cut);
        const refs = git(project, project.main, 'for-each-ref', '--format=%(refname)', 'refs/pwt/archive/a/').split('\n').filter(Boolean);
        expect(refs, cut).toHaveLength(1);
        const ref = refs[0] as string;
        expect(git(project, project.main, 'rev-parse', `${ref}^1`), cut).toBe(tip);
        expect(git(project, project.main, 'show', `${ref}:new.txt`), cut).toBe('untracked');
        expect(git(project, project.main, 'show', `${ref}:README.md`), cut).toBe('# edited');
      },
    });
  }, 600_000);

  it("land: cut everywhere, then again: the base holds both sessions' work, both sessions end", () => {
    cutEverywhere({
      prepare: (project) => {
        withWork(project, 'l1', false);
        withWork(project, 'l2', false);
      },
      command: ['land', 'l1', 'l2', '--check', 'true'],
      check: (project, cut) => {
        for (const id of ['l1', 'l2']) {
          expect(git(project, project.main, 'show', `main:${id}.txt`), cut).toBe(id);
          ended(project, id, cut);
        }
      },
    });
  }, 600_000);

  it('remove --strategy abandon: cut before every file change, then pwt cleanup: what was recorded is finished, one archive', () => {
    const finished = cutThenCleanup(
      { prepare: (project) => void withWork(project, 'a', true), command: ['rm', 'a', '--strategy', 'abandon', '--yes', '--force'], check: () => {} },
      (project, cut, recorded) => {
        const refs = git(project, project.main, 'for-each-ref', '--format=%(refname)', 'refs/pwt/archive/a/').split('\n').filter(Boolean);
        expect(refs.length, cut).toBeLessThanOrEqual(1);
        if (recorded) {
          expect(refs, cut).toHaveLength(1);
          expect(git(project, project.main, 'show', `${refs[0]}:new.txt`), cut).toBe('untracked');
          ended(project, 'a', cut);
        }
      },
    );
    expect(finished).toBeGreaterThan(0);
  }, 600_000);

  it('open --goal on a session that is open already adds the goal (it used to be ignored)', () => {
    const project = makeProject();
    roots.push(project.sandbox.root);
    expect(run(project, ['create', 'o', '--goal', 'first']).code).toBe(0);
    const opened = run(project, ['open', 'o', '--goal', 'second']);
    expect(opened.code, opened.stderr).toBe(0);
    expect(opened.stderr + opened.stdout).toMatch(/already open.*Added the goal\(s\): second/);
    expect(sessionOf(project, 'o').goals).toEqual(['first', 'second']);
  }, 60_000);

  it('another command on a session whose create was cut refuses, naming the command that finishes it', () => {
    const project = makeProject();
    roots.push(project.sandbox.root);
    expect(run(project, ['create', 'x', '--goal', 'g'], { PWT_FAULT: 'kill-before-change:2' }).signal).toBe('SIGKILL');
    const restore = run(project, ['restore', 'x']);
    expect(restore.code).toBe(3);
    expect(restore.stderr).toMatch(/pwt create x was interrupted .*Run pwt create x again to finish it, or pwt cleanup/s);
    const dry = run(project, ['cleanup', '--dry-run']);
    expect(dry.stdout + dry.stderr).toMatch(/Interrupted and not finished: pwt create x/);
    expect(run(project, ['cleanup', '--force']).code).toBe(0);
    expect(sessionOf(project, 'x').goals).toEqual(['g']);
  }, 60_000);

  it('a read-only sessions folder: remove, a retried abandon and restore refuse before changing anything; doctor says so', () => {
    const project = makeProject();
    roots.push(project.sandbox.root);
    const sessionTip = withWork(project, 's', true);
    withWork(project, 'r', false);
    expect(run(project, ['rm', 'r', '--strategy', 'abandon', '--yes']).code).toBe(0);
    const archives = () => git(project, project.main, 'for-each-ref', '--format=%(refname)', 'refs/pwt/archive/').split('\n').filter(Boolean);
    const before = archives();
    // Root ignores permission bits: an immutable folder stands for a read-only one there.
    const root = process.getuid?.() === 0;
    const lock = (on: boolean) => (root ? execFileSync('chattr', [on ? '+i' : '-i', project.sessionsDir]) : chmodSync(project.sessionsDir, on ? 0o555 : 0o755));
    lock(true);
    try {
      const kept = run(project, ['rm', 's', '--strategy', 'keep', '--commit', 'wip']);
      expect(kept.code, kept.stderr).toBe(3);
      expect(kept.stderr).toMatch(/is not writable, and pwt remove s writes there\. Nothing was changed\./);
      expect(readFileSync(join(project.sessionsDir, 's', 'new.txt'), 'utf8')).toBe('untracked\n');
      expect(readFileSync(join(project.sessionsDir, 's', 's.txt'), 'utf8')).toBe('s\n');
      for (let attempt = 0; attempt < 2; attempt++) expect(run(project, ['rm', 's', '--strategy', 'abandon', '--yes', '--force']).code).toBe(3);
      expect(archives()).toEqual(before);
      const restored = run(project, ['restore', 'r']);
      expect(restored.code, restored.stderr).toBe(3);
      expect(project.sandbox.sh('git', ['rev-parse', '--verify', '--quiet', 'refs/heads/session/r'], project.main).code).not.toBe(0);
      const doctor = parseJson(run(project, ['doctor', '--json']).stdout);
      expect(doctor.checks.find((check: { name: string }) => check.name === 'sessions dir')).toMatchObject({
        level: 'fail',
        detail: expect.stringMatching(/is not writable/),
      });
    } finally {
      lock(false);
    }
    expect(sessionOf(project, 's').goals).toEqual(['work']);
    expect(git(project, join(project.sessionsDir, 's'), 'rev-parse', 'HEAD')).toBe(sessionTip);
    expect(run(project, ['rm', 's', '--strategy', 'abandon', '--yes', '--force']).code).toBe(0);
    expect(run(project, ['restore', 'r']).code).toBe(0);
  }, 120_000);
});
