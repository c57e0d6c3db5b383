import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { commitsSince, currentBranch, diffStatSince, shortStatus } from '../../git/git.js';
import { PwtError } from '../../infra/errors.js';
import { utcStamp } from '../../infra/time.js';
import type { SessionRecord } from '../../manifest/manifest.js';
import { buildHandoff, DEFAULT_HANDOFF_CHARS, MIN_HANDOFF_CHARS } from '../handoff.js';
import { agentSessions } from '../lookup.js';
import { loadAdapter } from '../vendors/index.js';
import type { Provider, Transcript, TranscriptMessage } from '../vendors/types.js';
import { pwtStateDir, type HandoffInfo } from './records.js';

/**
 * The handoff an agent gets when it takes over a worktree: the newest other
 * provider's transcript here (buildHandoff) plus the session's git facts,
 * saved under `<sessions dir>/.pwt/handoff/<session>/` for people to read.
 * Linux caps one argument at 128 KiB (MAX_ARG_STRLEN) in bytes, so the whole
 * first prompt is kept under PROMPT_MAX_BYTES by cutting older messages.
 */
export const PROMPT_MAX_BYTES = 120_000;
const CONTINUE = 'Continue the work from the context above: check the state of the worktree, then carry on with what was being done.';

export interface GitFacts {
  branch: string | null;
  base: string | null;
  commits: string[];
  diffStat: string;
  uncommitted: string[];
}

export async function gitFacts(cwd: string, session: SessionRecord): Promise<GitFacts> {
  const since = session.baseCommit ?? session.base ?? null;
  const [branch, commits, diffStat, uncommitted] = await Promise.all([
    currentBranch(cwd),
    since ? commitsSince(cwd, since) : Promise.resolve([]),
    since ? diffStatSince(cwd, since) : Promise.resolve(''),
    shortStatus(cwd),
  ]);
  return { branch, base: session.base ?? null, commits, diffStat, uncommitted };
}

export function renderGitFacts(facts: GitFacts): string {
  const lines = ['### Git state of this worktree', '', `- Branch: ${facts.branch ?? '(detached HEAD)'}${facts.base ? ` (base: ${facts.base})` : ''}`];
  lines.push(`- Commits since the base: ${facts.commits.length === 0 ? 'none' : ''}`);
  for (const commit of facts.commits) lines.push(`  - ${commit}`);
  lines.push(`- Uncommitted files: ${facts.uncommitted.length === 0 ? 'none' : ''}`);
  for (const file of facts.uncommitted.slice(0, 100)) lines.push(`  - ${file}`);
  if (facts.uncommitted.length > 100) lines.push(`  - ... and ${facts.uncommitted.length - 100} more`);
  if (facts.diffStat) lines.push('', 'Diff stat against the base (committed and uncommitted):', '', '```', facts.diffStat, '```');
  return `${lines.join('\n')}\n`;
}

/** The newest transcript in `cwd` of a provider other than `provider` (or of `onlyFrom`), or null. */
export async function newestOtherTranscript(
  cwd: string,
  provider: Provider,
  env: NodeJS.ProcessEnv,
  onlyFrom?: { provider: Provider; id: string },
): Promise<Transcript | null> {
  if (onlyFrom) {
    try {
      return await readWhole(onlyFrom.provider, onlyFrom.id, cwd, env);
    } catch (error) {
      if (error instanceof PwtError) return null;
      throw error;
    }
  }
  const report = await agentSessions(cwd, null, env);
  const other = report.sessions.find((session) => session.provider !== provider && session.messages > 0);
  if (!other) return null;
  return readWhole(other.provider, other.id, cwd, env);
}

async function readWhole(provider: Provider, id: string, cwd: string, env: NodeJS.ProcessEnv): Promise<Transcript> {
  const adapter = await loadAdapter(provider);
  if (!adapter.streamTranscript) return adapter.readTranscript(id, { cwd, env });
  const messages: TranscriptMessage[] = [];
  for await (const message of adapter.streamTranscript(id, { cwd, env })) messages.push(message);
  return { provider, id, messages };
}

export interface BuiltPrompt {
  /** The whole first prompt (handoff, then the user's prompt or the line asking to continue). */
  text: string;
  handoff: HandoffInfo;
}

/**
 * The first prompt with a handoff from `transcript`, saved to a file; the
 * transcript part shrinks (older messages left out, with a marker) until the
 * prompt fits one argument in bytes.
 */
export function composeHandoffPrompt(opts: {
  transcript: Transcript;
  facts: GitFacts;
  prompt?: string;
  sessionsDir: string;
  session: string;
  provider: Provider;
}): BuiltPrompt {
  const tail = opts.prompt ? `\n---\n\n${opts.prompt}` : `\n---\n\n${CONTINUE}`;
  const facts = `\n${renderGitFacts(opts.facts)}`;
  let maxChars = DEFAULT_HANDOFF_CHARS;
  let section = buildHandoff(opts.transcript, { maxChars });
  let text = `${section}${facts}${tail}`;
  while (Buffer.byteLength(text) > PROMPT_MAX_BYTES && maxChars > MIN_HANDOFF_CHARS) {
    maxChars = Math.max(MIN_HANDOFF_CHARS, Math.floor(((maxChars * PROMPT_MAX_BYTES) / Buffer.byteLength(text)) * 0.95));
    section = buildHandoff(opts.transcript, { maxChars });
    text = `${section}${facts}${tail}`;
  }
  const dir = join(pwtStateDir(opts.sessionsDir), 'handoff', opts.session);
  mkdirSync(dir, { recursive: true });
  const file = join(dir, `${utcStamp()}-${opts.transcript.provider}-to-${opts.provider}.md`);
  writeFileSync(file, text);
  // buildHandoff says "the most recent N of M messages" when it left some out.
  const truncated = /Below is the most recent \d+ of \d+ messages/.test(section);
  return { text, handoff: { from: opts.transcript.provider, fromSessionId: opts.transcript.id, file, chars: text.length, truncated } };
}
