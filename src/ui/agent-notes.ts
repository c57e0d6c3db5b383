import type { AgentNote } from '../core/agents/runtime/notes.js';
import { agentNoteText } from '../core/agents/runtime/note-text.js';
import { log } from './log.js';

/**
 * How the agent verbs' notes look at the terminal: the line
 * (core/agents/runtime/note-text.ts words each kind once, for the MCP server
 * too) at the level its kind calls for: a fresh start instead of a resume
 * warns, a start or resume is a success, the rest informs. `level` forces
 * one (a wake before a send or a wait only informs).
 */
export function printAgentNotes(notes: readonly AgentNote[], level?: 'info'): void {
  for (const note of notes) {
    const text = agentNoteText(note);
    if (level) log[level](text);
    else if (note.kind === 'fresh') log.warn(text);
    else if (note.kind === 'started' || note.kind === 'resumed') log.success(text);
    else log.info(text);
  }
}

/** The notes as one line (the watch view's status line). */
export const agentNotesLine = (notes: readonly AgentNote[]): string => notes.map(agentNoteText).join(' ');
