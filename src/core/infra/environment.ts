/**
 * File-system failures that are the machine's state, not pwt's bug: a folder
 * that is read-only, a file where a folder should be, a full disk. They
 * become one line (exit 3) naming the path and what to check, never a stack.
 */
const PROBLEMS: Record<string, string> = {
  EACCES: 'permission denied',
  EPERM: 'operation not permitted',
  EROFS: 'the file system is read-only',
  ENOTDIR: 'a file is in the way where a folder should be',
  EEXIST: 'something is in the way',
  EISDIR: 'a folder is in the way where a file should be',
  ENOSPC: 'no space left on the device',
  EDQUOT: 'the disk quota is used up',
  EMFILE: 'too many open files',
};

export function environmentProblem(error: unknown): string | null {
  const { code, path, syscall } = (error ?? {}) as NodeJS.ErrnoException;
  const what = code ? PROBLEMS[code] : undefined;
  if (!what) return null;
  const where = path ? ` ${path}` : '';
  return `cannot ${syscall ?? 'use'}${where}: ${what} (${code}). Fix that (permissions, free space, or move what is in the way), then run the command again.`;
}
