import { appendFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { PWT_ENV } from '../infra/env.js';
import { utcStamp } from '../infra/time.js';
import { HookFailed, runHooks, type HookGate, type HookProgress } from '../project/hooks/run.js';
import type { Project } from '../project/project.js';
import { runCommandLine } from '../sh/sh.js';
import { inLandingWorktree } from '../sessions/gate.js';
import { checksFile, logsDir, type Candidate, type CheckRecord } from './state.js';

/**
 * How the check runs: in a temporary detached worktree at the commit to
 * test (sessions/gate.ts: under `<sessions dir>/.pwt/land/`, with the main
 * worktree's env files and `copy` globs, removed afterwards). The check is
 * `--check CMD` (the user's own command line, through `sh -c`) or the
 * project's pre-merge hook (approved like any hook). Its whole output goes
 * to a log file, and every run is recorded in `checks.jsonl` with the
 * commit it tested.
 */
export type Check = { kind: 'command'; command: string } | { kind: 'hook'; gate: HookGate } | { kind: 'none' };

export const describeCheck = (check: Check) => (check.kind === 'command' ? `--check ${check.command}` : check.kind === 'hook' ? 'the pre-merge hook' : 'none');

export interface CheckRun {
  project: Project;
  check: Check;
  base: string;
  onProgress?: (progress: HookProgress) => void;
}

/** Runs the check on `commit`; the log names the sessions the commit brings in. */
export async function runCheckOn(run: CheckRun, commit: string, batch: Candidate[]): Promise<CheckRecord> {
  const { project, check } = run;
  mkdirSync(logsDir(project.sessionsDir), { recursive: true });
  const log = join(logsDir(project.sessionsDir), `${utcStamp()}-${commit.slice(0, 12)}.log`);
  const last = batch.at(-1);
  writeFileSync(log, `# pwt land: ${describeCheck(check)} on ${commit}\n# brings in: ${batch.map((each) => each.session).join(', ')}\n`);
  const output = (text: string) => appendFileSync(log, text);
  const started = Date.now();
  const where = {
    mainPath: project.repo.mainPath,
    sessionsDir: project.sessionsDir,
    from: project.repo.mainPath,
    envFiles: project.config.envFiles,
    copy: project.config.copy,
  };
  const ok = await inLandingWorktree(where, commit, async (path) => {
    if (check.kind === 'command') {
      const env = {
        [PWT_ENV.session]: last?.session ?? '',
        [PWT_ENV.path]: path,
        [PWT_ENV.branch]: last?.branch ?? '',
        [PWT_ENV.base]: run.base,
        [PWT_ENV.main]: project.repo.mainPath,
      };
      run.onProgress?.({ kind: 'start', event: 'pre-merge', entry: check.command, cwd: path });
      const result = await runCommandLine(check.command, { cwd: path, env, onOutput: output });
      run.onProgress?.({ kind: 'end', event: 'pre-merge', entry: check.command, code: result.code, ms: Date.now() - started });
      return result.code === 0;
    }
    if (check.kind === 'none') return true;
    try {
      await runHooks(
        project,
        check.gate,
        'pre-merge',
        { id: last?.session ?? '', path, branch: last?.branch ?? '', base: run.base, cwd: path },
        {
          onProgress: (progress) => (progress.kind === 'output' ? output(progress.text) : run.onProgress?.(progress)),
          consequence: 'the queue goes on without what it tested.',
          next: '',
        },
      );
      return true;
    } catch (error) {
      if (!(error instanceof HookFailed)) throw error;
      return false;
    }
  });
  const record: CheckRecord = { ok, log, ms: Date.now() - started };
  appendFileSync(log, `\n# ${ok ? 'passed' : 'failed'} in ${(record.ms / 1000).toFixed(1)} s\n`);
  appendFileSync(
    checksFile(project.sessionsDir),
    `${JSON.stringify({ at: new Date().toISOString(), commit, check: describeCheck(check), sessions: batch.map((each) => each.session), ok, log })}\n`,
  );
  return record;
}
