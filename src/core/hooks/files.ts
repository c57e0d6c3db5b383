import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { packageRoot } from '../infra/package-root.js';

/**
 * The text of the files `pwt hooks install` writes, built from the templates
 * in the package's hooks/ folder. Pure functions: ./install.ts does the
 * file system work.
 */
export const HOOK_NAMES = ['post-checkout', 'pre-push'] as const;
export type HookName = (typeof HOOK_NAMES)[number];

/** Every file or line pwt writes carries this marker (so install, status and uninstall touch only what pwt wrote: docs/hooks.md). */
export const MARKER = 'pwt-hooks';
/** Ends the one line pwt adds to a hook it chains into; uninstall removes lines ending in it. */
export const LINE_MARKER = `# ${MARKER}: added by pwt hooks install; pwt hooks uninstall removes this line`;
/** Suffix of a hook pwt moved aside because a line could not be added to it. */
export const ORIGINAL_SUFFIX = '.pwt-orig';

const packageFile = (path: string) => join(packageRoot(), path);

/** Absolute path of the built CLI (dist/cli.cjs), which the hooks start. */
export const cliPath = (): string => packageFile('dist/cli.cjs');

/** Single-quotes a value for sh: nothing inside is expanded. */
export function shQuote(value: string): string {
  return `'${value.replace(/'/g, `'\\''`)}'`;
}

export interface DispatcherSettings {
  node: string;
  cli: string;
  mainPath: string;
  /** Physical path of the sessions dir when installed. */
  sessionsDir: string;
  /** e.g. refs/heads/session/ */
  refPrefix: string;
}

export function dispatcherText(settings: DispatcherSettings): string {
  const block = [
    `_pwt_node=${shQuote(settings.node)}`,
    `_pwt_cli=${shQuote(settings.cli)}`,
    `_pwt_main=${shQuote(settings.mainPath)}`,
    `_pwt_sessions=${shQuote(settings.sessionsDir)}`,
    `_pwt_prefix=${shQuote(settings.refPrefix)}`,
  ].join('\n');
  const template = readFileSync(packageFile('hooks/dispatch.sh'), 'utf8');
  return template.replace(/^#@settings@.*$/m, block);
}

/** Reads the settings back from an installed dispatcher (for `pwt hooks status`). */
export function parseDispatcherSettings(text: string): Partial<DispatcherSettings> {
  const value = (name: string) => {
    const match = text.match(new RegExp(`^_pwt_${name}='((?:[^']|'\\\\'')*)'$`, 'm'));
    return match?.[1]?.replace(/'\\''/g, "'");
  };
  return { node: value('node'), cli: value('cli'), mainPath: value('main'), sessionsDir: value('sessions'), refPrefix: value('prefix') };
}

/**
 * The line that runs pwt's part of a hook: it names the hook and sources the
 * dispatcher, and does nothing when the dispatcher is gone (so a leftover line
 * never breaks a checkout).
 */
export function chainLine(hook: HookName, dispatcher: string): string {
  const file = shQuote(dispatcher);
  return `_pwt_hook=${hook}; [ ! -f ${file} ] || . ${file} ${LINE_MARKER}`;
}

/** A hook file of pwt's own; with `movedOriginal`, it then runs the user's hook moved to <hook>.pwt-orig. */
export function stubText(hook: HookName, dispatcher: string, movedOriginal: boolean): string {
  const template = readFileSync(packageFile('hooks/stub.sh'), 'utf8');
  const original = `[ ! -x "$0${ORIGINAL_SUFFIX}" ] || exec "$0${ORIGINAL_SUFFIX}" "$@"`;
  return template
    .replace('@HOOK@', hook)
    .replace('@RESTORES@', movedOriginal ? ` and puts back the hook it moved to ${hook}${ORIGINAL_SUFFIX}` : '')
    .replace('@LINE@', chainLine(hook, dispatcher))
    .replace(/^@ORIGINAL@\n/m, movedOriginal ? `${original}\n` : '');
}

/** True for a file pwt wrote as a whole (its second line is pwt's header). */
export function isOwnStub(text: string): boolean {
  return text.split('\n', 3)[1]?.startsWith(`# ${MARKER}: `) === true;
}

export function hasChainLine(text: string): boolean {
  return text.split('\n').some((line) => line.endsWith(LINE_MARKER));
}

/**
 * Shells that can source the dispatcher. A hook in one of these gets one line
 * after its `#!` line; any other hook (python, node, a binary, a symlink) is
 * moved aside and run by pwt's own stub instead.
 */
const SOURCING_SHELLS = new Set(['sh', 'bash', 'dash', 'zsh', 'ksh', 'ash', 'mksh']);

export function isShellScript(text: string): boolean {
  const first = text.split('\n', 1)[0] ?? '';
  if (!first.startsWith('#!') || !text.includes('\n')) return false;
  const words = first.slice(2).trim().split(/\s+/);
  const program = words[0]?.split('/').pop();
  const interpreter =
    program === 'env'
      ? words
          .slice(1)
          .find((word) => !word.startsWith('-'))
          ?.split('/')
          .pop()
      : program;
  return interpreter !== undefined && SOURCING_SHELLS.has(interpreter);
}

/** Adds pwt's line right after the `#!` line, before anything of the user's runs. */
export function insertChainLine(text: string, line: string): string {
  const end = text.indexOf('\n') + 1;
  return `${text.slice(0, end)}${line}\n${text.slice(end)}`;
}

/** Removes every line pwt added; what is left is the file as it was, byte for byte. */
export function removeChainLines(text: string): string {
  return text.replace(new RegExp(`^[^\\n]*${escapeRegExp(LINE_MARKER)}\\n?`, 'gm'), '');
}

/** Replaces pwt's line(s) with the current one (a re-install after pwt moved or the repo changed). */
export function replaceChainLine(text: string, line: string): string {
  return insertChainLine(removeChainLines(text), line);
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
