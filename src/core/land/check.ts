import { appendFileSync, existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { git, gitProbe } from '../git/git.js';
import { addWorktree, discardNewWorktree } from '../git/worktrees.js';
import { preconditionError } from '../infra/errors.js';
import { PWT_ENV } from '../infra/env.js';
import { utcStamp } from '../infra/time.js';
import { HookFailed, runHooks, type HookGate, type HookProgress } from '../project/hooks/run.js';
import type { Project } from '../project/project.js';
import { runCommandLine } from '../sh/sh.js';
import { copyEnvFiles, copyIgnored } from '../sessions/copy.js';
import { checkWorktree, checksFile, logsDir, type Candidate, type CheckRecord } from './state.js';

/**
 * Where and how the check runs: one temporary detached worktree under
 * `<sessions dir>/.pwt/land/worktree`, moved to each commit to test (with
 * the main worktree's env files and `copy` globs, as a new session gets
 * them). The check is `--check CMD` (the user's own command line, through
 * `sh -c`) or the project's pre-merge hook (approved like any hook). Its
 * whole output goes to a log file, and every run is recorded in
 * `checks.jsonl` with the commit it tested.
 */
export type Check = { kind: 'command'; command: string } | { kind: 'hook'; gate: HookGate } | { kind: 'none' };

export const describeCheck = (check: Check) => (check.kind === 'command' ? `--check ${check.command}` : check.kind === 'hook' ? 'the pre-merge hook' : 'none');

/** Adds (or reuses) the check worktree, detached at `commit`. */
export async function prepareCheckWorktree(project: Project, commit: string): Promise<string> {
  const path = checkWorktree(project.sessionsDir);
  const { mainPath } = project.repo;
  if (existsSync(path) && (await gitProbe(path, ['rev-parse', '--is-inside-work-tree'])).code === 0) return path;
  await discardNewWorktree(mainPath, path);
  mkdirSync(join(path, '..'), { recursive: true });
  const added = await addWorktree(mainPath, path, { detach: commit }, { [PWT_ENV.creating]: '1' });
  if (added.code !== 0) throw preconditionError(`Could not add the check worktree ${path}: ${added.stderr.trim().split('\n').pop() ?? ''}`, 'Fix what git says (pwt cleanup; git worktree prune) and run pwt land again.');
  copyEnvFiles(mainPath, path, project.config.envFiles);
  if (project.config.copy.length) await copyIgnored(mainPath, path, project.config.copy);
  return path;
}

export async function removeCheckWorktree(project: Project): Promise<void> {
  const path = checkWorktree(project.sessionsDir);
  if (existsSync(path)) await discardNewWorktree(project.repo.mainPath, path);
}

export interface CheckRun {
  project: Project;
  check: Check;
  base: string;
  onProgress?: (progress: HookProgress) => void;
}

/** Runs the check on `commit` in the check worktree; the log names the sessions the commit brings in. */
export async function runCheckOn(run: CheckRun, commit: string, batch: Candidate[]): Promise<CheckRecord> {
  const { project, check } = run;
  const path = await prepareCheckWorktree(project, commit);
  await git(path, ['checkout', '--quiet', '--force', '--detach', commit]);
  await git(path, ['clean', '--quiet', '-d', '--force']);
  mkdirSync(logsDir(project.sessionsDir), { recursive: true });
  const log = join(logsDir(project.sessionsDir), `${utcStamp()}-${commit.slice(0, 12)}.log`);
  const last = batch.at(-1);
  writeFileSync(log, `# pwt land: ${describeCheck(check)} on ${commit}\n# brings in: ${batch.map((each) => each.session).join(', ')}\n`);
  const output = (text: string) => appendFileSync(log, text);
  const started = Date.now();
  let ok: boolean;
  if (check.kind === 'command') {
    const target = { [PWT_ENV.session]: last?.session ?? '', [PWT_ENV.path]: path, [PWT_ENV.branch]: last?.branch ?? '', [PWT_ENV.base]: run.base, [PWT_ENV.main]: project.repo.mainPath };
    run.onProgress?.({ kind: 'start', event: 'pre-merge', entry: check.command, cwd: path });
    const result = await runCommandLine(check.command, { cwd: path, env: target, onOutput: output });
    run.onProgress?.({ kind: 'end', event: 'pre-merge', entry: check.command, code: result.code, ms: Date.now() - started });
    ok = result.code === 0;
  } else if (check.kind === 'hook') {
    try {
      await runHooks(project, check.gate, 'pre-merge', { id: last?.session ?? '', path, branch: last?.branch ?? '', base: run.base, cwd: path }, {
        onProgress: (progress) => (progress.kind === 'output' ? output(progress.text) : run.onProgress?.(progress)),
        consequence: 'the queue goes on without what it tested.',
        next: '',
      });
      ok = true;
    } catch (error) {
      if (!(error instanceof HookFailed)) throw error;
      ok = false;
    }
  } else ok = true;
  const record: CheckRecord = { ok, log, ms: Date.now() - started };
  appendFileSync(log, `\n# ${ok ? 'passed' : 'failed'} in ${(record.ms / 1000).toFixed(1)} s\n`);
  appendFileSync(checksFile(project.sessionsDir), `${JSON.stringify({ at: new Date().toISOString(), commit, check: describeCheck(check), sessions: batch.map((each) => each.session), ok, log })}\n`);
  return record;
}
