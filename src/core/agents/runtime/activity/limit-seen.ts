import { linkSync, mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { Provider } from '../../vendors/types.js';
import { limitOf } from './screen.js';
import { readStateFile, writeStateFile } from './state-file.js';

/**
 * One usage limit on screen, one reset time (`limitedUntil`), whichever pwt
 * process reads it and however often. A wait ("try again in 81s") is read
 * from when the message appeared, and each process sees that moment a little
 * differently (its own clock, the screen file as it found it): two that see
 * the limit appear together would each name their own time, and a process
 * whose older capture lands last would make the next one read it afresh.
 * So the first reading is kept in `<agents dir>/<id>.limit-seen.json` and
 * every later one takes it:
 *
 * - it is made whole and only if missing (link(2) of a written temp file), so
 *   of two processes reading the same new limit, the second takes the first's;
 * - it belongs to the limit's message line, or as much of it as shows (a
 *   toast drawn over its end, a narrower pane wrapping it sooner): a line
 *   that begins the same is the same limit, and a screen showing another one
 *   (a later limit, with no look between) replaces it;
 * - it ends once a screen without the limit is captured after it was made
 *   (`by`: when the capture that made it was over), so a capture taken before
 *   the limit appeared and written late does not end it;
 * - a new launch removes it (launch.ts), with the screen file.
 */
export interface LimitSeen {
  /** Epoch ms the limit resets, null when the vendor did not say. */
  until: number | null;
  /** The limit's message line (limit.ts limitOnScreen). */
  message: string;
  /** Epoch ms by which the capture that first read it was over. */
  by: number;
  /** Epoch ms the limit appeared, as the first reading placed it: a wait read later counts from it. */
  appeared?: number;
}

export const limitSeenFile = (dir: string, agentId: string): string => join(dir, `${agentId}.limit-seen.json`);

let counter = 0;

/**
 * The reset of the limit on this screen: the one kept for it, else the one read now (the wait counted from
 * `appeared`), kept for every later reader.
 */
export function limitUntil(dir: string, agentId: string, provider: Provider, text: string, appeared: number, by: number): number | null {
  const file = limitSeenFile(dir, agentId);
  const shown = limitOf(provider, text, appeared);
  const message = shown?.message ?? '';
  const until = shown?.until ?? null;
  for (let attempt = 0; attempt < 4; attempt++) {
    const seen = readStateFile<LimitSeen>(file);
    if (seen && sameMessage(seen.message, message)) return seen.until !== null || until === null ? seen.until : completed(file, seen, provider, text);
    // Another limit's: an earlier one whose end no capture saw.
    if (seen && !removeIfStill(file, seen)) continue;
    if (create(file, { until, message, by, appeared })) return until;
  }
  return until;
}

/**
 * The kept reading found no reset where this screen shows one (what showed of the line did not hold it: a toast
 * drawn over its end): the reset read now, from when the kept reading placed the limit, kept in its stead.
 * Every process that completes it reads the same time, so the last rename changes nothing.
 */
function completed(file: string, seen: LimitSeen, provider: Provider, text: string): number | null {
  const until = seen.appeared === undefined ? null : (limitOf(provider, text, seen.appeared)?.until ?? null);
  if (until !== null) writeStateFile(file, { ...seen, until });
  return until;
}

/** One message line and another as far as either shows (empty only when no line was read: then only the same). */
function sameMessage(kept: string, shown: string): boolean {
  if (kept === '' || shown === '') return kept === shown;
  return kept.startsWith(shown) || shown.startsWith(kept);
}

/** A screen without a limit, captured from `capturedAt` on: the kept limit ends if it was read before. */
export function limitGone(dir: string, agentId: string, capturedAt: number): void {
  const file = limitSeenFile(dir, agentId);
  const seen = readStateFile<LimitSeen>(file);
  if (seen && capturedAt > seen.by) removeIfStill(file, seen);
}

/** Writes `value` to `file` only if it does not exist; false when another process's is there. */
function create(file: string, value: LimitSeen): boolean {
  const temp = `${file}.new-${process.pid}-${++counter}`;
  try {
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(temp, `${JSON.stringify(value)}\n`);
    linkSync(temp, file);
    return true;
  } catch (error) {
    // Any other failure (a vanished agents folder): this reader keeps its own reading.
    return (error as NodeJS.ErrnoException).code !== 'EEXIST';
  } finally {
    rmSync(temp, { force: true });
  }
}

/**
 * Removes the kept limit if it is still `seen`: it is set aside first (of two removers, one rename wins), and
 * one that another process made in the meantime goes back. False when it was not removed.
 */
function removeIfStill(file: string, seen: LimitSeen): boolean {
  const aside = `${file}.old-${process.pid}-${++counter}`;
  try {
    renameSync(file, aside);
  } catch {
    return false;
  }
  const moved = readStateFile<LimitSeen>(aside);
  if (moved && (moved.message !== seen.message || moved.by !== seen.by)) {
    try {
      linkSync(aside, file);
    } catch {
      // Another one is there already: the newer stands.
    }
    rmSync(aside, { force: true });
    return false;
  }
  rmSync(aside, { force: true });
  return true;
}
