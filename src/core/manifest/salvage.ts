import { emptyManifest, MANIFEST_VERSION, sessionProblem, validateManifest, type Manifest, type SessionRecord } from './manifest.js';

/**
 * Reading a damaged manifest without throwing work away: one bad entry (a
 * field of the wrong type, a hand edit gone wrong) must not cost the other
 * sessions their goals and bases. Every entry that is valid is kept; the bad
 * ones are set aside with the reason, by name. A file cut short (a full
 * disk, a kill mid-write by another tool) still holds its complete entries
 * up to the cut: they are read back one by one.
 */
export interface SetAside {
  entry: unknown;
  reason: string;
}

export interface Salvage {
  manifest: Manifest;
  setAside: SetAside[];
  /** False when the file was cut short or had no usable session list: git's worktree list must fill in the rest. */
  complete: boolean;
  /** One line: what was wrong. */
  reason: string;
}

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

/** How people name an entry in messages: its id when it has one, else its position. */
export const entryName = (entry: unknown, index: number) =>
  isObject(entry) && typeof entry.id === 'string' && entry.id ? `"${entry.id}"` : `sessions[${index}]`;

export function salvageManifest(text: string, file: string, project: string): Salvage {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (error) {
    const entries = completeObjects(text);
    return keepValid(emptyManifest(project), entries, false, `it is not valid JSON (${(error as Error).message})`);
  }
  if (!isObject(data) || !Array.isArray(data.sessions)) {
    // validateManifest says what is wrong (and refuses a newer version outright).
    try {
      validateManifest(data, file);
    } catch (error) {
      if (!(error instanceof Error) || error.name === 'PwtError') throw error;
      return { manifest: emptyManifest(project), setAside: [], complete: false, reason: error.message };
    }
  }
  const top = data as Record<string, unknown>;
  if (typeof top.version === 'number' && top.version > MANIFEST_VERSION) validateManifest(data, file);
  const base: Manifest = { ...top, version: MANIFEST_VERSION, project: typeof top.project === 'string' ? top.project : project, sessions: [] };
  return keepValid(base, top.sessions as unknown[], true, 'some entries do not fit the schema');
}

function keepValid(manifest: Manifest, entries: unknown[], complete: boolean, reason: string): Salvage {
  const seen = new Set<string>();
  const setAside: SetAside[] = [];
  entries.forEach((entry, index) => {
    const problem = sessionProblem(entry, seen);
    if (problem) setAside.push({ entry, reason: `${entryName(entry, index)}: sessions[${index}]${problem}` });
    else manifest.sessions.push(entry as SessionRecord);
  });
  return { manifest, setAside, complete, reason };
}

/**
 * The complete `{...}` objects in the "sessions" array of a JSON text that
 * was cut short, in order, skipping strings' contents when matching braces.
 */
function completeObjects(text: string): unknown[] {
  const key = text.search(/"sessions"\s*:\s*\[/);
  if (key < 0) return [];
  const found: unknown[] = [];
  let depth = 0;
  let start = -1;
  let inString = false;
  for (let i = text.indexOf('[', key) + 1; i < text.length; i++) {
    const char = text[i];
    if (inString) {
      if (char === '\\') i++;
      else if (char === '"') inString = false;
      continue;
    }
    if (char === '"') inString = true;
    else if (char === '{') {
      if (depth++ === 0) start = i;
    } else if (char === '}') {
      if (--depth === 0) {
        try {
          found.push(JSON.parse(text.slice(start, i + 1)));
        } catch {
          // Not an entry after all; skip it.
        }
      }
    } else if (char === ']' && depth === 0) break;
  }
  return found;
}
