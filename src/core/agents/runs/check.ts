import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { runProcess as run } from '../../infra/process.js';
import { sessionPath, type SessionRecord } from '../../manifest/manifest.js';
import type { Project } from '../../project/project.js';
import { runDataDir } from './store.js';
import { PWT_ENV } from '../../infra/env.js';

/**
 * `pwt run compare --check CMD`: CMD runs in one session's worktree through
 * `sh -c`, the way a user typed it; the command reaches the shell as an
 * argument (`eval "$1"`), never pasted into script text. stdout and stderr
 * go to one log under `<sessions dir>/.pwt/runs/<run>/`, kept whole; the
 * report carries the last lines.
 */
export interface CheckResult {
  command: string;
  exitCode: number;
  /** The last lines of the output. */
  tail: string;
  /** The whole output. */
  log: string;
}

const TAIL_LINES = 20;

export function checkLogPath(project: Project, runName: string, session: string): string {
  return join(runDataDir(project.sessionsDir, runName), `check-${session}.log`);
}

export async function runCheck(project: Project, runName: string, session: SessionRecord, provider: string, command: string): Promise<CheckResult> {
  const path = sessionPath(project.repo.mainPath, session);
  const env = {
    [PWT_ENV.run]: runName,
    [PWT_ENV.provider]: provider,
    [PWT_ENV.session]: session.id,
    [PWT_ENV.path]: path,
    [PWT_ENV.branch]: session.branch,
    [PWT_ENV.main]: project.repo.mainPath,
  };
  const result = await run('sh', ['-c', 'eval "$1" 2>&1', 'sh', command], { cwd: path, env });
  const output = result.stdout + result.stderr;
  const log = checkLogPath(project, runName, session.id);
  mkdirSync(runDataDir(project.sessionsDir, runName), { recursive: true });
  writeFileSync(log, `$ ${command}\n${output}${output.endsWith('\n') || output === '' ? '' : '\n'}[exit ${result.code}]\n`);
  const tail = output.trimEnd().split('\n').slice(-TAIL_LINES).join('\n');
  return { command, exitCode: result.code, tail, log };
}
