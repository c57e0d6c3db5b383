import { describe, expect, it } from 'vitest';
import type { AgentNote } from '../../../../src/core/agents/runtime/notes.js';
import { agentNoteText, noteWithText } from '../../../../src/core/agents/runtime/note-text.js';

/** Agent notes are data (kind + fields); agentNoteText words each kind, one plain line. No tmux, no CLI. */
const cases: Array<[AgentNote, string]> = [
  [
    { kind: 'queued', provider: 'codex', place: 2, maxRunning: 4 },
    'All 4 agent slots of this machine are taken: codex waits in the queue (place 2) and starts when one frees. See the queue with: pwt agent list --all',
  ],
  [
    { kind: 'detached', provider: 'claude', agent: 'feat-claude', conversationKnown: true },
    'Detached claude (agent feat-claude); resume it with: pwt agent resume feat-claude',
  ],
  [
    { kind: 'detached', provider: 'pi', agent: 'feat-pi', conversationKnown: false },
    'Detached pi (agent feat-pi); resume it with: pwt agent resume feat-pi (its conversation id is not known yet)',
  ],
  [{ kind: 'started', provider: 'gemini', session: 'feat', agent: 'feat-gemini' }, 'Started gemini in session feat (agent feat-gemini).'],
  [{ kind: 'resumed', provider: 'codex', session: 'feat', conversation: 'c0ffee' }, 'Resumed codex conversation c0ffee in session feat.'],
  [
    { kind: 'fresh', provider: 'claude', agent: 'feat-claude', cause: 'gone', conversation: 'abc' },
    'Could not resume feat-claude: claude no longer has conversation abc. Started claude fresh instead.',
  ],
  [
    { kind: 'fresh', provider: 'claude', agent: 'feat-claude', cause: 'unsaved' },
    'Could not resume feat-claude: the claude conversation was never saved. Started claude fresh instead.',
  ],
  [
    { kind: 'fresh', provider: 'codex', agent: 'feat-codex', cause: 'exited', conversation: 'abc', lastLine: 'Error: no such session' },
    'The resume of feat-codex exited at once (Error: no such session). Started codex fresh instead, with its old conversation handed over.',
  ],
  [
    { kind: 'handoff', from: 'claude', messages: 12, truncated: true, file: '/s/.pwt/handoff/feat.md' },
    "Handed over claude's conversation (12 messages, older ones left out) and the git state: /s/.pwt/handoff/feat.md",
  ],
  [{ kind: 'provider-mismatch', provider: 'codex', preferred: 'claude' }, "Note: this agent session is codex; the project's defaultAgent is claude."],
  [
    { kind: 'already-running', provider: 'claude', session: 'feat', agent: 'feat-claude', asked: 'start' },
    'claude already runs in session feat (agent feat-claude).',
  ],
  [{ kind: 'already-running', provider: 'claude', session: 'feat', agent: 'feat-claude', asked: 'resume' }, 'feat-claude is already running.'],
  [
    { kind: 'stopped', provider: 'claude', agent: 'feat-claude', how: 'quit', resumable: true },
    'Stopped claude (agent feat-claude, with its quit command). Resume it with: pwt agent resume feat-claude',
  ],
  [{ kind: 'stopped', provider: 'pi', agent: 'feat-pi', how: 'kill', resumable: false }, 'Stopped pi (agent feat-pi, with SIGKILL).'],
  [{ kind: 'stopped', provider: 'pi', agent: 'feat-pi', how: 'gone', resumable: false }, 'Stopped pi (agent feat-pi, it had already ended).'],
  [{ kind: 'stopped', provider: 'codex', agent: 'feat-codex', how: 'first', resumable: true }, 'Stopped codex (agent feat-codex) first.'],
  [{ kind: 'stopped', provider: 'codex', agent: 'feat-codex', how: 'left-queue', resumable: false }, 'feat-codex left the queue (it had not started).'],
];

describe('agentNoteText', () => {
  for (const [note, text] of cases) {
    it(text, () => {
      expect(agentNoteText(note)).toBe(text);
    });
  }

  it('gives readers without the wording (MCP, --json) the data and the line', () => {
    expect(noteWithText({ kind: 'started', provider: 'pi', session: 's', agent: 's-pi' })).toEqual({
      kind: 'started',
      provider: 'pi',
      session: 's',
      agent: 's-pi',
      message: 'Started pi in session s (agent s-pi).',
    });
  });
});
