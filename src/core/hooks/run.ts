import { basename, dirname } from 'node:path';
import { PwtError } from '../infra/errors.js';
import { currentBranch, refExists, resolveCommit } from '../git/git.js';
import { guessBase } from '../manifest/adopt.js';
import { adoptedSession, sessionAtWorktree, sessionPath, type Manifest, type SessionRecord } from '../manifest/manifest.js';
import { readManifest, updateManifest } from '../manifest/store.js';
import { nameProblem } from '../project/names.js';
import { openProject, type Project } from '../project/project.js';
import { realPath } from '../git/repo.js';
import { notes } from '../infra/notes.js';
import { isOn, PWT_ENV } from '../infra/env.js';

/**
 * What the git hooks do once the sh dispatcher (hooks/dispatch.sh) decided
 * that Node is needed. Reached through the hidden `pwt _hook` command.
 */
export const trace = (hook: string, message: string): void => {
  if (isOn(PWT_ENV.debug)) notes.trace(`pwt hook ${hook} (node): ${message}`);
};

/** Thrown only to refuse a push; the dispatcher turns exit 3 into a failed pre-push. */
export class PushRefused extends PwtError {}

const ZERO_SHA = /^0+$/;

const sessionAt = (project: Project, manifest: Manifest | null, worktree: string): SessionRecord | undefined =>
  sessionAtWorktree(project.repo.mainPath, manifest, worktree);

/** post-checkout <prev HEAD> <new HEAD> <flag>: adopt a plain `git worktree add`, or record a branch change. */
export async function postCheckout(): Promise<void> {
  const project = await openProject(process.cwd(), { readOnly: true });
  const here = project.repo.worktreePath;
  if (dirname(here) !== realPath(project.sessionsDir) || basename(here).startsWith('.')) {
    trace('post-checkout', `${here} is not a session folder of ${project.sessionsDir}: nothing to do`);
    return;
  }
  const branch = await currentBranch(here);
  const known = sessionAt(project, await readManifest(project), here);
  if (known) {
    // A detached HEAD (rebase, bisect, `git checkout <sha>`) is passing through: not a new branch.
    if (branch === null || branch === known.branch) return trace('post-checkout', `session ${known.id} still on ${known.branch}`);
    await updateManifest(project, (manifest) => {
      const session = sessionAt(project, manifest, here);
      if (session) session.branch = branch;
    });
    notes.warn(`Session ${known.id} is now on branch ${branch} (was ${known.branch}); recorded in the manifest. pwt remove ${known.id} will act on ${branch}.`);
    return;
  }
  if (isOn(PWT_ENV.creating)) return trace('post-checkout', 'pwt create registers this worktree itself');
  await adopt(project, here, branch);
}

async function adopt(project: Project, here: string, branch: string | null): Promise<void> {
  const id = basename(here);
  const problem = nameProblem(id);
  if (problem) {
    notes.warn(`Not registering ${here} as a session: ${problem}. Rename the folder (git worktree move) to a valid session name.`);
    return;
  }
  const session = adoptedSession(
    project.repo.mainPath,
    here,
    branch ?? (await resolveCommit(here, 'HEAD')) ?? 'HEAD',
    await guessBase(project.repo.mainPath, here),
  );
  const added = await updateManifest(project, (manifest) => {
    if (sessionAt(project, manifest, here)) return false;
    if (manifest.sessions.some((entry) => entry.id === id)) {
      notes.warn(`Not registering ${here}: the manifest already has a session named ${id} elsewhere.`);
      return false;
    }
    manifest.sessions.push(session);
    return true;
  });
  if (!added) return;
  notes.info(`pwt registered ${here} as session ${id} (branch ${session.branch}); see pwt status.`);
  const { warmAdopted } = await import('../sessions/copy.js');
  const warmed = await warmAdopted(project, here);
  const copied = [...warmed.envCopied, ...warmed.copied];
  if (copied.length) notes.info(`pwt copied into it from the main worktree: ${copied.join(', ')}`);
}

interface PushedRef {
  localRef: string;
  localSha: string;
  remoteRef: string;
  remoteSha: string;
}

/** githooks(5) pre-push: one "<local ref> <local sha> <remote ref> <remote sha>" line per ref. */
export function parsePushedRefs(input: string): PushedRef[] {
  return input
    .split('\n')
    .map((line) => line.trim().split(/\s+/))
    .filter((fields) => fields.length === 4)
    .map(([localRef = '', localSha = '', remoteRef = '', remoteSha = '']) => ({ localRef, localSha, remoteRef, remoteSha }));
}

/** The remote branch a session's base stands for: main -> refs/heads/main, origin/main -> refs/heads/main. */
async function remoteBaseRef(project: Project, session: SessionRecord | undefined): Promise<string | null> {
  const cwd = project.repo.mainPath;
  const base = session?.base;
  if (base?.startsWith('refs/heads/')) return base;
  if (base && (await refExists(cwd, `refs/heads/${base}`))) return `refs/heads/${base}`;
  if (base && base.includes('/') && (await refExists(cwd, `refs/remotes/${base}`))) return `refs/heads/${base.slice(base.indexOf('/') + 1)}`;
  // A base given as a commit (or no record at all): the branch the main worktree is on.
  const mainBranch = await currentBranch(cwd);
  return mainBranch ? `refs/heads/${mainBranch}` : null;
}

/** pre-push <remote> <url>, refs on stdin: refuse a session branch onto its base; record the push. */
export async function prePush(remote: string, input: string): Promise<void> {
  const project = await openProject(process.cwd(), { readOnly: true });
  const refs = parsePushedRefs(input);
  const manifest = await readManifest(project);
  const prefix = `refs/heads/${project.config.branchPrefix}`;
  const allowed = isOn(PWT_ENV.allowBasePush);
  // Inside a session every push onto its base counts, whatever names the commit: agents type
  // `git push origin HEAD:main` or `<sha>:main`, which reach the hook as "HEAD" or the bare id.
  const here = project.repo.isMain ? undefined : sessionAt(project, manifest, project.repo.worktreePath);
  if (project.config.protectBase && !allowed) {
    for (const ref of refs) {
      if (ZERO_SHA.test(ref.localSha)) continue;
      const fromSessionBranch = ref.localRef.startsWith(prefix);
      if (!fromSessionBranch && !here) continue;
      const branch = fromSessionBranch ? ref.localRef.slice('refs/heads/'.length) : (here as SessionRecord).branch;
      const session = fromSessionBranch ? manifest?.sessions.find((entry) => entry.branch === branch) : here;
      const target = await remoteBaseRef(project, session);
      trace('pre-push', `${ref.localRef} -> ${ref.remoteRef}; protected base on the remote: ${target ?? 'none'}`);
      if (target !== null && ref.remoteRef === target) {
        const name = session?.id ?? branch.slice(project.config.branchPrefix.length);
        const short = target.slice('refs/heads/'.length);
        throw new PushRefused(
          `Refusing to push ` +
            `${fromSessionBranch ? branch : `${ref.localRef.replace(/^refs\/heads\//, '')} (from session ${name})`} ` +
            `to ${short} on ${remote}: ${short} is the base of session ${name} (protectBase is on).`,
          3,
          `Open a pull request instead: pwt remove ${name} --strategy pr (or push anyway with PWT_ALLOW_BASE_PUSH=1).`,
        );
      }
    }
  }
  await recordPush(project, manifest, refs, remote);
}

async function recordPush(project: Project, manifest: Manifest | null, refs: PushedRef[], remote: string): Promise<void> {
  const pushed = new Set(refs.filter((ref) => !ZERO_SHA.test(ref.localSha) && ref.localRef.startsWith('refs/heads/')).map((ref) => ref.localRef.slice(11)));
  const here = project.repo.worktreePath;
  const touches = (session: SessionRecord) => pushed.has(session.branch) || realPath(sessionPath(project.repo.mainPath, session)) === here;
  if (!manifest?.sessions.some(touches)) return trace('pre-push', 'no session to record');
  const now = new Date().toISOString();
  await updateManifest(project, (fresh) => {
    for (const session of fresh.sessions.filter(touches)) {
      session.lastPushedAt = now;
      session.remote = remote;
      trace('pre-push', `recorded lastPushedAt and remote ${remote} for session ${session.id}`);
    }
  });
}
