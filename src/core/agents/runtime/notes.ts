import type { StopStep } from './stop.js';

/**
 * What the agent verbs (start, resume, switch, stop, rm) have to tell
 * people, as data: a kind and the fields its wording needs. The verbs never
 * word them; `agentNoteText` (note-text.ts) does, once, for the terminal
 * (src/ui/agent-notes.ts), the MCP server, runs and the scheduler.
 */
export type AgentNote =
  /** All agent slots are taken: it waits in the queue. */
  | { kind: 'queued'; provider: string; place: number; maxRunning: number }
  /** The running agent was detached (stopped, resumable) to make room for another. */
  | { kind: 'detached'; provider: string; agent: string; conversationKnown: boolean }
  | { kind: 'started'; provider: string; session: string; agent: string }
  | { kind: 'resumed'; provider: string; session: string; conversation: string }
  /**
   * Started fresh instead of resuming: the vendor no longer has the
   * conversation (`gone`), it was never saved (`unsaved`), or the resume
   * exited at once (`exited`, with its last line; the old conversation is
   * handed over).
   */
  | { kind: 'fresh'; provider: string; agent: string; cause: 'gone' | 'unsaved' | 'exited'; conversation?: string; lastLine?: string }
  /** Another agent's conversation and the git state went into the first prompt. */
  | { kind: 'handoff'; from: string; messages: number; truncated: boolean; file: string }
  /** The agent resumed is not the project's defaultAgent. */
  | { kind: 'provider-mismatch'; provider: string; preferred: string }
  /** start of a provider that runs (`asked: start`), or resume of an agent that runs. */
  | { kind: 'already-running'; provider: string; session: string; agent: string; asked: 'start' | 'resume' }
  /**
   * Stopped: by `pwt agent stop` (`how`: the step that ended it; resumable
   * when its conversation id is known), before the session or record goes
   * (`how: 'first'`), or taken out of the queue before it started.
   */
  | { kind: 'stopped'; provider: string; agent: string; how: StopStep | 'first' | 'left-queue'; resumable: boolean };

export type AgentNoteKind = AgentNote['kind'];
