/**
 * Questions from core to a person. Core decides when to ask (only when the
 * caller said the session is interactive); the ui answers (src/ui/prompts.ts,
 * installed by src/ui/connect.ts), so core runs the same from a terminal, a
 * tmux pane or a script. A cancelled question throws the cancelled error (exit 130).
 */
export interface Choice<T extends string> {
  value: T;
  label: string;
  hint?: string;
}

export interface Ask {
  select<T extends string>(message: string, options: Choice<T>[], initial?: T): Promise<T>;
  confirm(message: string, initial?: boolean): Promise<boolean>;
  /** A non-empty line of text; Enter on an empty line takes `fallback` when given. */
  text(message: string, placeholder?: string, fallback?: string): Promise<string>;
}

let asker: Ask | null = null;

export function setAsk(next: Ask | null): void {
  asker = next;
}

function current(): Ask {
  if (!asker) throw new Error('Nothing answers questions here: the ui installs the asker (src/ui/connect.ts) before a command runs.');
  return asker;
}

export const select = <T extends string>(message: string, options: Choice<T>[], initial?: T): Promise<T> => current().select(message, options, initial);
export const confirm = (message: string, initial?: boolean): Promise<boolean> => current().confirm(message, initial);
export const text = (message: string, placeholder?: string, fallback?: string): Promise<string> => current().text(message, placeholder, fallback);
