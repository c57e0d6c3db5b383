/**
 * What core has to tell people, as data. Core never writes to stdout or
 * stderr: it hands a note to the sink the ui installed (src/ui/connect.ts),
 * which decides how it looks. With no sink installed (a library caller, a
 * unit test) notes are dropped.
 */
export type NoteLevel = 'info' | 'warn' | 'trace';

export interface Note {
  level: NoteLevel;
  text: string;
}

export type NoteSink = (note: Note) => void;

let sink: NoteSink | null = null;

export function setNoteSink(next: NoteSink | null): void {
  sink = next;
}

export const notes = {
  info: (text: string): void => sink?.({ level: 'info', text }),
  warn: (text: string): void => sink?.({ level: 'warn', text }),
  /** A debugging line (PWT_DEBUG=1), shown as is. */
  trace: (text: string): void => sink?.({ level: 'trace', text }),
};
