import { readdirSync, readFileSync, readlinkSync } from 'node:fs';

/**
 * What pwt needs to know about processes without spawning any: is a pid
 * alive, is it still the process we started (a pid can be reused), which
 * processes descend from it, where they run. Read from /proc on Linux; on
 * systems without /proc the start time is unknown (null) and only liveness is
 * checked.
 */

/** Fields of /proc/<pid>/stat after the command name (which may hold spaces and parentheses). */
function statFields(pid: number): string[] | null {
  try {
    const text = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return text.slice(text.lastIndexOf(')') + 2).split(' ');
  } catch {
    return null;
  }
}

/** When the process started (clock ticks since boot, as text), or null when unknown or gone. */
export function processStartTime(pid: number): string | null {
  // proc(5): field 22 is starttime; after the command name, fields start at 3 (state).
  return statFields(pid)?.[19] ?? null;
}

/** The process group of a process, or null. */
export function processGroup(pid: number): number | null {
  const value = statFields(pid)?.[2];
  return value === undefined ? null : Number(value);
}

export function isAlive(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * The process with this pid is the one that had `startTime` (so it is still
 * ours). A zombie counts as gone. Without /proc, any live pid matches.
 */
export function isSameProcess(pid: number, startTime: string | null): boolean {
  if (!isAlive(pid)) return false;
  const fields = statFields(pid);
  if (fields === null) return startTime === null;
  if (fields[0] === 'Z') return false;
  return startTime === null || fields[19] === startTime;
}

/** The process itself and its parents up to init (empty when it is gone). */
export function ancestors(pid: number): number[] {
  const chain: number[] = [];
  for (let current = pid; current > 1 && chain.length < 100;) {
    const parent = Number(statFields(current)?.[1]);
    if (!Number.isFinite(parent)) break;
    chain.push(current);
    current = parent;
  }
  return chain;
}

/** Every pid under `pid` (children, their children...), from /proc. */
export function descendants(pid: number): number[] {
  const children = new Map<number, number[]>();
  let entries: string[];
  try {
    entries = readdirSync('/proc');
  } catch {
    return [];
  }
  for (const entry of entries) {
    if (!/^\d+$/.test(entry)) continue;
    const parent = Number(statFields(Number(entry))?.[1]);
    if (!Number.isFinite(parent)) continue;
    const list = children.get(parent) ?? [];
    list.push(Number(entry));
    children.set(parent, list);
  }
  const found: number[] = [];
  const queue = [...(children.get(pid) ?? [])];
  while (queue.length) {
    const next = queue.shift() as number;
    found.push(next);
    queue.push(...(children.get(next) ?? []));
  }
  return found;
}

/** The working directory of a process, or null (gone, or not ours to read). */
export function processCwd(pid: number): string | null {
  try {
    return readlinkSync(`/proc/${pid}/cwd`);
  } catch {
    return null;
  }
}

/** Live pids whose working directory is `dir` or inside it. */
export function processesIn(dir: string): number[] {
  let entries: string[];
  try {
    entries = readdirSync('/proc');
  } catch {
    return [];
  }
  const found: number[] = [];
  for (const entry of entries) {
    if (!/^\d+$/.test(entry) || Number(entry) === process.pid) continue;
    const cwd = processCwd(Number(entry));
    if (cwd && (cwd === dir || cwd.startsWith(`${dir}/`))) found.push(Number(entry));
  }
  return found;
}

/** Sends a signal to a process group; false when the group is gone. */
export function signalGroup(pgid: number, signal: NodeJS.Signals): boolean {
  if (!Number.isInteger(pgid) || pgid <= 1) return false;
  try {
    process.kill(-pgid, signal);
    return true;
  } catch {
    return false;
  }
}

/** Sends a signal to one process; false when it is gone. */
export function signalProcess(pid: number, signal: NodeJS.Signals): boolean {
  if (!Number.isInteger(pid) || pid <= 1) return false;
  try {
    process.kill(pid, signal);
    return true;
  } catch {
    return false;
  }
}
