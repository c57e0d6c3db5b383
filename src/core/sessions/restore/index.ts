import { assertWritable } from '../../infra/writable.js';
import { join } from 'node:path';
import { withSessionLock } from '../lock.js';
import type { ArchiveEntry } from '../archive.js';
import { ensureSessionHooks } from '../../project/hooks-folder.js';
import { approveHooks, runPostCreate, type HookFailed, type HookOptions, type HookOutcome } from '../../project/hooks/run.js';
import { preloadWorkflowShell, useWorkflowShell } from '../../git/git.js';
import type { SessionRecord } from '../../manifest/manifest.js';
import { validateName } from '../../project/names.js';
import { executePlan, planTitles, type Operation } from '../../workflow/execute.js';
import type { Project } from '../../project/project.js';
import { gatherRestoreFacts } from './facts.js';
import { planRestore, type RestoreOp } from './plan.js';
import { restoreRunners } from './steps.js';
import { artifactDir, listArchives } from '../archive.js';
import { readdirSync } from 'node:fs';
import { clearIntent, interruptedError, pendingIntent, readIntent, recordIntent, type Intent } from '../intents/intent.js';
import { finishIntent } from '../intents/resume.js';
import { shellWord } from '../../infra/shell-word.js';

/**
 * `pwt restore <name> [--at STAMP]`: the reverse of an archive (see
 * ../archive.ts for its layout). The branch comes back at the archived tip, the
 * worktree at that commit, then the archived tree is laid over the files
 * (uncommitted edits, deletions and untracked files exactly as they were)
 * while the index stays at HEAD, so they show up as uncommitted again.
 */
export interface RestoreOptions {
  name: string;
  at?: string;
  dryRun?: boolean;
  onStep?: (title: string) => void;
  /** Project hooks (post-create runs after a restore too); without it none run. */
  hooks?: HookOptions;
}

export interface RestoreResult {
  session: SessionRecord;
  path: string;
  entry: ArchiveEntry;
  actions: Operation[];
  titles: string[];
  hooks: HookOutcome[];
  hookNote?: string;
  hookFailure?: HookFailed;
  /** This run finished a restore that was interrupted (started then). */
  finished?: string;
  /** Every archive of the session, oldest first. */
  archives: ArchiveEntry[];
  /** The archive's folder (.archive/<name>/<stamp>) and what it holds: restore brings none of it back. */
  leftFolder: { path: string; entries: string[] } | null;
}

export async function restoreSession(project: Project, opts: RestoreOptions): Promise<RestoreResult> {
  if (!opts.dryRun) preloadWorkflowShell();
  await validateName(opts.name, project.config.branchPrefix, project.repo.mainPath);
  if (opts.dryRun) return restoreLocked(project, opts);
  return withSessionLock(project, opts.name, () => restoreLocked(project, opts));
}

async function restoreLocked(project: Project, opts: RestoreOptions): Promise<RestoreResult> {
  const pending = opts.dryRun ? readIntent(project.sessionsDir, opts.name) : pendingIntent(project.sessionsDir, opts.name);
  if (pending && (pending.kind !== 'restore' || opts.dryRun)) throw interruptedError(pending);
  if (pending) return finishRestore(project, pending as Intent<RestoreOp>, opts);
  const facts = await gatherRestoreFacts(project, opts);
  const plan = planRestore(facts);
  const hookOptions = opts.hooks ?? { enabled: false };
  const gate = opts.dryRun ? { events: [] } : await approveHooks(project, ['post-create'], hookOptions);
  // The steps' git calls run through zx (git/workflow-shell.ts).
  if (!opts.dryRun) await useWorkflowShell();
  if (!opts.dryRun) assertWritable([project.sessionsDir, join(project.sessionsDir, '.pwt')], `pwt restore ${opts.name}`);
  if (!opts.dryRun)
    recordIntent(project.sessionsDir, {
      kind: 'restore',
      id: opts.name,
      command: `pwt restore ${shellWord(opts.name)}`,
      options: { at: facts.entry.stamp, ref: facts.entry.ref },
      ops: plan.ops,
    });
  const run = executePlan(plan.ops, restoreRunners, project, { rollback: true, dryRun: opts.dryRun, onStep: opts.onStep });
  const actions = opts.dryRun
    ? await run
    : await run.catch((error: unknown) => {
        clearIntent(project.sessionsDir, opts.name);
        throw error;
      });
  if (!opts.dryRun) {
    await ensureSessionHooks(project.repo.mainPath, facts.path);
    clearIntent(project.sessionsDir, opts.name);
  }
  const { session } = plan;
  const path = facts.path;
  const result: RestoreResult = {
    session,
    path,
    entry: facts.entry,
    actions: actions.map(reported),
    titles: planTitles(plan.ops, restoreRunners),
    hooks: [],
    archives: facts.archives,
    leftFolder: leftFolder(project, facts.entry),
    ...(gate.note ? { hookNote: gate.note } : {}),
  };
  if (!opts.dryRun)
    await runPostCreate(project, gate, { id: session.id, path, branch: plan.branch, base: session.base ?? session.baseCommit ?? '' }, hookOptions, result);
  return result;
}

/** The re-run of a restore that was cut: the recorded plan finishes (the archive it had picked, not the newest now). */
async function finishRestore(project: Project, intent: Intent<RestoreOp>, opts: RestoreOptions): Promise<RestoreResult> {
  const register = intent.ops.find((op) => op.op === 'register');
  const add = intent.ops.find((op) => op.op === 'add-worktree');
  if (!register || register.op !== 'register' || !add || add.op !== 'add-worktree') throw interruptedError(intent);
  const archives = await listArchives(project.repo.mainPath, opts.name);
  const entry = archives.find((each) => each.ref === intent.options.ref);
  if (!entry) throw interruptedError(intent);
  const hookOptions = opts.hooks ?? { enabled: false };
  const gate = await approveHooks(project, ['post-create'], hookOptions);
  await useWorkflowShell();
  const actions = await finishIntent(project, intent, { onStep: opts.onStep });
  const { session } = register;
  const result: RestoreResult = {
    session,
    path: add.path,
    entry,
    actions: actions.map((action) => reported(action as RestoreOp & Record<string, unknown>)),
    titles: planTitles(intent.ops, restoreRunners),
    hooks: [],
    finished: intent.startedAt,
    archives,
    leftFolder: leftFolder(project, entry),
    ...(gate.note ? { hookNote: gate.note } : {}),
  };
  await runPostCreate(
    project,
    gate,
    { id: session.id, path: add.path, branch: add.branch, base: session.base ?? session.baseCommit ?? '' },
    hookOptions,
    result,
  );
  return result;
}

function leftFolder(project: Project, entry: ArchiveEntry): RestoreResult['leftFolder'] {
  const path = artifactDir(project.sessionsDir, entry.meta.id, entry.stamp);
  try {
    return { path, entries: readdirSync(path).sort() };
  } catch {
    return null;
  }
}

/** The --json action: the operation without the record register carries (the result has it as `session`). */
function reported(action: RestoreOp): Operation {
  if (action.op !== 'register') return action;
  const { session: _session, ...rest } = action;
  return rest;
}
