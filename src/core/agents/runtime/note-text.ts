import type { AgentNote } from './notes.js';

/**
 * The one wording of agent notes (notes.ts): one plain line each. The
 * terminal shows it (src/ui/agent-notes.ts picks the level); the MCP
 * server, runs and the scheduler, which rank below src/ui, put it into
 * what they return or log.
 */
export function agentNoteText(note: AgentNote): string {
  switch (note.kind) {
    case 'queued':
      return (
        `All ${note.maxRunning} agent slots of this machine are taken: ${note.provider} waits in the ` +
        `queue (place ${note.place}) and starts when one frees. See the queue with: pwt agent list --all`
      );
    case 'detached':
      return (
        `Detached ${note.provider} (agent ${note.agent}); resume it with: pwt agent resume ${note.agent}` +
        (note.conversationKnown ? '' : ' (its conversation id is not known yet)')
      );
    case 'started':
      return `Started ${note.provider} in session ${note.session} (agent ${note.agent}).`;
    case 'resumed':
      return `Resumed ${note.provider} conversation ${note.conversation} in session ${note.session}.`;
    case 'fresh':
      if (note.cause === 'exited')
        return (
          `The resume of ${note.agent} exited at once (${note.lastLine ?? ''}). ` +
          `Started ${note.provider} fresh instead, with its old conversation handed over.`
        );
      return (
        `Could not resume ${note.agent}: ` +
        (note.cause === 'gone' ? `${note.provider} no longer has conversation ${note.conversation}` : `the ${note.provider} conversation was never saved`) +
        `. Started ${note.provider} fresh instead.`
      );
    case 'handoff':
      return (
        `Handed over ${note.from}'s conversation (${note.messages} ` +
        `messages${note.truncated ? ', older ones left out' : ''}) and the git state: ${note.file}`
      );
    case 'provider-mismatch':
      return `Note: this agent session is ${note.provider}; the project's defaultAgent is ${note.preferred}.`;
    case 'already-running':
      return note.asked === 'start' ? `${note.provider} already runs in session ${note.session} (agent ${note.agent}).` : `${note.agent} is already running.`;
    case 'stopped':
      if (note.how === 'left-queue') return `${note.agent} left the queue (it had not started).`;
      if (note.how === 'first') return `Stopped ${note.provider} (agent ${note.agent}) first.`;
      return `Stopped ${note.provider} (agent ${note.agent}, ${STOP_HOW[note.how]}).${note.resumable ? ` Resume it with: pwt agent resume ${note.agent}` : ''}`;
  }
}

const STOP_HOW = {
  quit: 'with its quit command',
  interrupt: 'with interrupts',
  term: 'with SIGTERM',
  kill: 'with SIGKILL',
  gone: 'it had already ended',
} as const;

/** A note as JSON for a reader without the wording (MCP clients, --json): its data and its line. */
export const noteWithText = (note: AgentNote): AgentNote & { message: string } => ({ ...note, message: agentNoteText(note) });
