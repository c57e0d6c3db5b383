import { afterEach, describe, expect, it } from 'vitest';
import { chmodSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { commitFile, makeProject, type Project } from './helpers/sandbox.js';

let project: Project;
afterEach(() => project?.sandbox.cleanup(), 60_000);

/**
 * A `git` first on PATH that writes down whether a shell started it (and
 * its first two arguments), then runs the real git. zx's `$` runs each command through bash, which exports
 * SHLVL to what it runs (and execs a lone command, so the parent process is
 * node either way); pwt's direct door spawns git from node, and the sandbox's
 * environment has no SHLVL.
 */
function recordingGit(p: Project): { env: NodeJS.ProcessEnv; startedBy: () => string[]; reset: () => void } {
  const bin = join(p.sandbox.root, 'recording-bin');
  const log = join(p.sandbox.root, 'git-started-by');
  const real = spawnSync('sh', ['-c', 'command -v git'], { encoding: 'utf8' }).stdout.trim();
  mkdirSync(bin, { recursive: true });
  writeFileSync(join(bin, 'git'), `#!/bin/sh\nif [ -n "\${SHLVL:-}" ]; then by=shell; else by=node; fi\necho "$by $1 $2" >> "${log}"\nexec "${real}" "$@"\n`);
  chmodSync(join(bin, 'git'), 0o755);
  return {
    env: { PATH: `${bin}${delimiter}${p.sandbox.env.PATH}` },
    startedBy: () => (existsSync(log) ? readFileSync(log, 'utf8').split('\n').filter(Boolean) : []),
    reset: () => rmSync(log, { force: true }),
  };
}

describe('git through zx in the workflow commands, directly on the hot paths', () => {
  it("the steps of sync and remove run git through zx's shell; their facts, status, path and context spawn it directly; PWT_ZX=0 turns zx off", () => {
    project = makeProject();
    const { sandbox, main, sessionsDir } = project;
    sandbox.pwt(main, ['create', 's']);
    commitFile(sandbox, main, 'new.txt', 'new\n');
    const git = recordingGit(project);

    // sync: its facts are read directly, its steps (a fast-forward here) run through zx.
    expect(sandbox.pwt(main, ['sync', 's'], git.env).code).toBe(0);
    expect(git.startedBy()).toContain('shell merge --ff-only');
    expect(git.startedBy()).toContain('node rev-parse --path-format=absolute');
    expect(git.startedBy().filter((call) => call.startsWith('shell ')).length).toBe(1);

    git.reset();
    for (const args of [['status'], ['path', 's'], ['context']]) expect(sandbox.pwt(join(sessionsDir, 's'), args, git.env).code).toBe(0);
    expect(git.startedBy().filter((call) => call.startsWith('shell '))).toEqual([]);

    git.reset();
    commitFile(sandbox, main, 'newer.txt', 'newer\n');
    expect(sandbox.pwt(main, ['sync', 's'], { ...git.env, PWT_ZX: '0' }).code).toBe(0);
    expect(git.startedBy()).toContain('node merge --ff-only');
    expect(git.startedBy().filter((call) => call.startsWith('shell '))).toEqual([]);

    git.reset();
    expect(sandbox.pwt(main, ['remove', 's', '--strategy', 'keep'], git.env).code).toBe(0);
    expect(git.startedBy()).toContain('shell worktree remove');
  }, 60_000);
});
