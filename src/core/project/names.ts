import { isValidBranchName } from '../git/git.js';
import { usageError } from '../infra/errors.js';

const ALLOWED =
  'Session names are 1-64 characters: letters, digits, ".", "_" and "-", starting with a letter or digit, not ending in "." or ".lock", without "..".';

/** The reason a session name is invalid, or null when the pattern accepts it (README "Session names"). */
export function nameProblem(name: string): string | null {
  if (name.length === 0) return 'the name is empty';
  if (name.length > 64) return `"${name.slice(0, 20)}..." is ${name.length} characters long`;
  if (!/^[A-Za-z0-9][A-Za-z0-9._-]*$/.test(name)) return `"${name}" contains a character that is not allowed or does not start with a letter or digit`;
  if (name.endsWith('.lock')) return `"${name}" ends in ".lock"`;
  if (name.endsWith('.')) return `"${name}" ends in "."`;
  if (name.includes('..')) return `"${name}" contains ".."`;
  return null;
}

/** Throws a usage error (exit 2) unless the name fits the pattern; needs no repository. */
export function assertNamePattern(name: string): void {
  const problem = nameProblem(name);
  if (problem) throw usageError(`Invalid session name: ${problem}.`, ALLOWED);
}

/** The pattern plus git's own ref check with the configured prefix. */
export async function validateName(name: string, branchPrefix: string, cwd: string): Promise<void> {
  assertNamePattern(name);
  if (!(await isValidBranchName(cwd, `${branchPrefix}${name}`)))
    throw usageError(`Invalid session name: git rejects the branch "${branchPrefix}${name}".`, ALLOWED);
}
