import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { preconditionError } from '../infra/errors.js';
import type { Project } from '../project/project.js';
import { currentDispatcher, locateHooks } from './place.js';
import { HOOK_NAMES, MARKER, type HookName } from './files.js';

/**
 * pwt's hooks through the hook manager a team already commits
 * (simple-git-hooks, husky, lefthook): pwt's post-checkout and pre-push go
 * into the manager's committed config, next to the team's own entries, and
 * every clone gets them when the manager installs its hooks (`npm install`).
 *
 * The committed line holds no path of one machine: it finds this clone's
 * dispatcher (written by `pwt hooks install --via ...` in that clone, with
 * that machine's node and pwt) in the common git dir, and does nothing,
 * silently, where there is none, e.g. a clone of someone without pwt. The
 * dispatcher then decides in sh whether Node is needed (docs/hooks.md), so a
 * checkout outside the sessions dir starts one `git rev-parse` and no Node.
 */
export const MANAGERS = ['simple-git-hooks', 'husky', 'lefthook'] as const;
export type Manager = (typeof MANAGERS)[number];

/** Ends every line pwt writes into a manager's config; uninstall --via removes exactly those. */
export const VIA_MARKER = `# ${MARKER}: pwt hooks uninstall --via removes this line`;

/**
 * The line for one hook. Where the line is part of the hook script
 * (simple-git-hooks, husky) git's arguments are the script's own; lefthook
 * runs it with `sh -c` and substitutes them for {1} {2} {3}, so `args`
 * sets them first (the dispatcher is sourced, and `.` takes no arguments in
 * POSIX sh).
 */
export function managedLine(hook: HookName, args?: string): string {
  const find = '_pwt_d="$(git rev-parse --git-common-dir 2>/dev/null || :)/pwt/hooks.sh"';
  return `${args ? `set -- ${args}; ` : ''}_pwt_hook=${hook}; ${find}; [ ! -f "$_pwt_d" ] || . "$_pwt_d" ${VIA_MARKER}`;
}

const LINE_RE = new RegExp(`^.*${VIA_MARKER.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\n?`, 'gm');
const hasLine = (text: string) => text.includes(VIA_MARKER);
const withoutLines = (text: string) => text.replace(LINE_RE, '');

const readJson = (file: string) => JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
/** package.json keeps its indentation (2 spaces unless it uses tabs) and final newline. */
function writeJson(file: string, data: unknown, like: string): void {
  const indent = /^\t/m.test(like) ? '\t' : 2;
  writeFileSync(file, `${JSON.stringify(data, null, indent)}${like.endsWith('\n') ? '\n' : ''}`);
}

const LEFTHOOK_FILES = ['lefthook.yml', '.lefthook.yml', 'lefthook.yaml', '.lefthook.yaml'];

/** The managers a repository uses, by their committed config. */
export function detectManagers(root: string): Manager[] {
  const found: Manager[] = [];
  let pkg: Record<string, unknown> = {};
  try {
    pkg = readJson(join(root, 'package.json'));
  } catch {
    // no package.json, or not JSON: only files count
  }
  const deps = { ...(pkg.devDependencies as object | undefined), ...(pkg.dependencies as object | undefined) } as Record<string, unknown>;
  if (pkg['simple-git-hooks'] !== undefined || existsSync(join(root, '.simple-git-hooks.json')) || 'simple-git-hooks' in deps) found.push('simple-git-hooks');
  if (existsSync(join(root, '.husky')) || 'husky' in deps) found.push('husky');
  if (LEFTHOOK_FILES.some((file) => existsSync(join(root, file))) || 'lefthook' in deps) found.push('lefthook');
  return found;
}

export type ViaOp = 'added' | 'updated' | 'unchanged' | 'removed' | 'not-installed';

export interface ViaResult {
  manager: Manager;
  /** The committed file pwt edited. */
  file: string;
  hooks: Array<{ hook: HookName; op: ViaOp }>;
  /** This clone's dispatcher (not committed). */
  dispatcher: string;
  /** What to run so the manager installs the hooks in this clone (null: nothing, it reads its config at run time). */
  activate: string | null;
}

interface Editor {
  file: string;
  activate: string | null;
  /** The text `put` edits for this hook (the whole config, or the hook's own file). */
  read(hook: HookName): string | null;
  /** Whether pwt's line for this hook is there. */
  has(hook: HookName): boolean;
  /** The text with pwt's line for `hook` in, or out. */
  put(text: string | null, hook: HookName, line: string | null): string | null;
  write(hook: HookName, text: string | null): void;
}

function simpleGitHooks(root: string): Editor {
  const separate = join(root, '.simple-git-hooks.json');
  const file = existsSync(separate) ? separate : join(root, 'package.json');
  const inPackage = file.endsWith('package.json');
  if (!existsSync(file)) throw preconditionError(`No package.json in ${root} for simple-git-hooks' config.`, 'Run npm init, or use another --via.');
  const original = readFileSync(file, 'utf8');
  const data = JSON.parse(original) as Record<string, unknown>;
  const hooks = inPackage ? ((data['simple-git-hooks'] as Record<string, string> | undefined) ?? {}) : (data as Record<string, string>);
  return {
    file,
    activate: 'npx simple-git-hooks',
    read: () => JSON.stringify(hooks),
    has: (hook) => hasLine(hooks[hook] ?? ''),
    put: (_text, hook, line) => {
      const own = withoutLines(hooks[hook] ?? '').replace(/^\n+|\n+$/g, '');
      const next = line ? (own ? `${line}\n${own}` : line) : own;
      if (next) hooks[hook] = next;
      else delete hooks[hook];
      return JSON.stringify(hooks);
    },
    write: () => {
      if (inPackage) {
        if (Object.keys(hooks).length) data['simple-git-hooks'] = hooks;
        else delete data['simple-git-hooks'];
      }
      writeJson(file, data, original);
    },
  };
}

function husky(root: string): Editor {
  const file = (hook: HookName) => join(root, '.husky', hook);
  const read = (hook: HookName) => (existsSync(file(hook)) ? readFileSync(file(hook), 'utf8') : null);
  return {
    file: join(root, '.husky'),
    activate: null,
    read,
    has: (hook) => hasLine(read(hook) ?? ''),
    put: (text, _hook, line) => {
      const own = withoutLines(text ?? '');
      if (!line) return own.trim() === '' ? null : own;
      // After a #! line if the file has one; husky v9 files usually have none.
      if (own.startsWith('#!')) {
        const end = own.indexOf('\n') + 1 || own.length;
        return `${own.slice(0, end)}${line}\n${own.slice(end)}`;
      }
      return `${line}\n${own}`;
    },
    write: (hook, text) => {
      if (text === null) rmSync(file(hook), { force: true });
      else {
        mkdirSync(dirname(file(hook)), { recursive: true });
        writeFileSync(file(hook), text, { mode: 0o755 });
      }
    },
  };
}

/**
 * lefthook.yml is YAML; pwt edits it as text, adding one block per hook it
 * does not have yet (`<hook>:` at the top level) or one command under an
 * existing hook's `commands:`. Its lines carry the marker, so uninstall
 * takes exactly them out. lefthook runs a command with `sh -c` and its own
 * {1} {2} {3} for git's arguments; pre-push needs `use_stdin` for the refs.
 */
function lefthook(root: string): Editor {
  const file = LEFTHOOK_FILES.map((name) => join(root, name)).find((path) => existsSync(path)) ?? join(root, 'lefthook.yml');
  let text = existsSync(file) ? readFileSync(file, 'utf8') : '';
  const command = (hook: HookName, indent: string) => {
    const lines = [
      `${indent}pwt: ${VIA_MARKER}`,
      `${indent}  run: ${JSON.stringify(managedLine(hook, hook === 'pre-push' ? '{1} {2}' : '{1} {2} {3}'))} ${VIA_MARKER}`,
    ];
    if (hook === 'pre-push') {
      lines.push(`${indent}  use_stdin: true ${VIA_MARKER}`);
    }
    return lines.join('\n');
  };
  return {
    file,
    activate: 'npx lefthook install',
    read: () => text,
    has: (hook) => {
      const section = new RegExp(`^${hook}:[^]*?(?=^\\S|$(?![^]))`, 'm').exec(text)?.[0] ?? '';
      return hasLine(section);
    },
    put: (_current, hook, line) => {
      // Take out this hook's lines first (they are marked), then add them back if wanted.
      const marked = new RegExp(`^.*${VIA_MARKER.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\n?`, 'gm');
      const lines = text.split('\n');
      const keep: string[] = [];
      let inHook = false;
      for (const [index, each] of lines.entries()) {
        // The separator line before a section pwt appended carries the marker too.
        if (each === VIA_MARKER && lines[index + 1]?.startsWith(`${hook}:`)) continue;
        if (/^\S/.test(each)) inHook = each.startsWith(`${hook}:`);
        if (inHook && marked.test(`${each}\n`)) {
          marked.lastIndex = 0;
          continue;
        }
        marked.lastIndex = 0;
        keep.push(each);
      }
      text = keep.join('\n');
      if (!line) return text;
      const top = new RegExp(`^${hook}:.*$`, 'm').exec(text);
      if (!top) {
        text =
          `${text.trim() ? `${text.replace(/\n*$/, '\n')}${VIA_MARKER}\n` : ''}${hook}: ${VIA_MARKER}\n  ` +
          `commands: ${VIA_MARKER}\n${command(hook, '    ')}\n`;
        return text;
      }
      const after = text.slice(top.index + top[0].length);
      const commands = /^(\s+)commands:.*$/m.exec(after);
      const nextTop = /^\S/m.exec(after.slice(1));
      if (!commands || (nextTop && commands.index > nextTop.index + 1)) {
        throw preconditionError(
          `${file} has a ${hook} section without "commands:"; pwt does not rewrite it.`,
          `Add a "commands:" entry to ${hook} (or remove the section), then run pwt hooks install --via lefthook again.`,
        );
      }
      const at = top.index + top[0].length + commands.index + commands[0].length;
      text = `${text.slice(0, at)}\n${command(hook, `${commands[1]}  `.replace(/^\n/, ''))}${text.slice(at)}`;
      return text;
    },
    write: () => writeFileSync(file, text),
  };
}

const EDITORS: Record<Manager, (root: string) => Editor> = { 'simple-git-hooks': simpleGitHooks, husky, lefthook };

/** Writes pwt's line for both hooks into the manager's committed config, and this clone's dispatcher. */
export async function installVia(project: Project, manager: Manager): Promise<ViaResult> {
  const root = project.repo.worktreePath;
  const editor = EDITORS[manager](root);
  const hooks: ViaResult['hooks'] = [];
  for (const hook of HOOK_NAMES) {
    const had = editor.has(hook);
    const before = editor.read(hook);
    const after = editor.put(before, hook, managedLine(hook));
    const op: ViaOp = before === after ? 'unchanged' : had ? 'updated' : 'added';
    if (op !== 'unchanged') editor.write(hook, after);
    hooks.push({ hook, op });
  }
  const place = await locateHooks(project);
  mkdirSync(dirname(place.dispatcher), { recursive: true });
  const text = currentDispatcher(project);
  if (!existsSync(place.dispatcher) || readFileSync(place.dispatcher, 'utf8') !== text) writeFileSync(place.dispatcher, text);
  return { manager, file: editor.file, hooks, dispatcher: place.dispatcher, activate: editor.activate };
}

/** Takes exactly pwt's lines out of the manager's config; this clone's dispatcher goes too. */
export async function uninstallVia(project: Project, manager: Manager): Promise<ViaResult> {
  const root = project.repo.worktreePath;
  const editor = EDITORS[manager](root);
  const hooks: ViaResult['hooks'] = [];
  for (const hook of HOOK_NAMES) {
    const before = editor.read(hook);
    const after = editor.put(before, hook, null);
    const op: ViaOp = before === after ? 'not-installed' : 'removed';
    if (op === 'removed') editor.write(hook, after);
    hooks.push({ hook, op });
  }
  const place = await locateHooks(project);
  // A plain `pwt hooks install` in this clone sources the same dispatcher: it stays then.
  const plainUses = HOOK_NAMES.some((hook) => {
    const path = join(place.hooksDir, hook);
    return existsSync(path) && /pwt-hooks: added by pwt hooks install|^# pwt-hooks: .* written by `pwt hooks install`/m.test(readFileSync(path, 'utf8'));
  });
  if (!plainUses) rmSync(place.dispatcher, { force: true });
  return { manager, file: editor.file, hooks, dispatcher: place.dispatcher, activate: editor.activate };
}

/** The managers whose committed config carries pwt's lines for both hooks (for doctor and status). */
export function managersWithPwt(root: string): Manager[] {
  return detectManagers(root).filter((manager) => {
    try {
      const editor = EDITORS[manager](root);
      return HOOK_NAMES.every((hook) => editor.has(hook));
    } catch {
      return false;
    }
  });
}
