import { setAsk } from '../core/infra/ask.js';
import { setNoteSink } from '../core/infra/notes.js';
import { errorLine, log } from './log.js';
import { confirm, select, text } from './prompts.js';

/**
 * Plugs the ui into core before a command runs: core's notes go to stderr
 * through the log, its questions to the terminal prompts.
 */
export function connectUi(): void {
  setNoteSink((note) => {
    if (note.level === 'trace') errorLine(note.text);
    else log[note.level](note.text);
  });
  setAsk({ select, confirm, text });
}
