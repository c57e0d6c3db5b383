import { statSync } from 'node:fs';
import { preconditionError } from '../infra/errors.js';
import { isNoServer, isNoTarget, THEN, tmux, tmuxArgv, tmuxEnv, tmuxInteractive, tmuxRaw, TmuxError, type AttachEnd, type TmuxArg } from './tmux.js';
import { overControl, tmuxRead } from './control.js';

/**
 * Named tmux operations for agents: one tmux session per pwt session, one
 * window per agent, each window tagged with pwt's ids in user options
 * (`@pwt-agent`, `@pwt-session`, `@pwt-main`) so pwt recognises its own
 * windows by what they are, not by a name a user may have changed.
 */
export const WINDOW_WIDTH = 200;
export const WINDOW_HEIGHT = 50;
/** An argv element equal to this is replaced by the content of `promptFile` at launch. */
export const PROMPT_PLACEHOLDER = '{{pwt-prompt-file}}';

/** tmux refuses a command longer than about 16 KB ("command too long"), so long values go through a file. */
const MAX_COMMAND_BYTES = 12_000;

/** One pane of pwt's server, as `list-panes -a` describes it. */
export interface AgentPane {
  tmuxSession: string;
  windowId: string;
  paneId: string;
  windowName: string;
  /** The tags pwt set on the window ('' on a window pwt did not tag). */
  agentId: string;
  session: string;
  main: string;
  /** The process tmux started in the pane (the agent CLI itself: it is exec'd, no shell stays). */
  panePid: number;
  dead: boolean;
  /** Exit status of a dead pane's process, when tmux knows it. */
  deadStatus: number | null;
  currentCommand: string;
  /** tmux's `window_activity`: epoch seconds of the window's last output (activity reads the screen only after it changes). */
  windowActivity: number;
}

const FIELDS = [
  'session_name',
  'window_id',
  'pane_id',
  'window_name',
  '@pwt-agent',
  '@pwt-session',
  '@pwt-main',
  'pane_pid',
  'pane_dead',
  'pane_dead_status',
  'pane_current_command',
  'window_activity',
];
/** Printable: under a non-UTF-8 locale (LC_ALL=C) tmux prints a tab in a format as '_'. */
const SEPARATOR = '|:|';
const FORMAT = FIELDS.map((field) => `#{${field}}`).join(SEPARATOR);

function parsePane(line: string): AgentPane | null {
  const parts = line.split(SEPARATOR);
  if (parts.length < FIELDS.length) return null;
  const [tmuxSession, windowId, paneId, windowName, agentId, session, main, pid, dead, deadStatus, currentCommand, windowActivity] = parts as string[] as [
    string,
    string,
    string,
    string,
    string,
    string,
    string,
    string,
    string,
    string,
    string,
    string,
  ];
  return {
    tmuxSession,
    windowId,
    paneId,
    windowName,
    agentId,
    session,
    main,
    panePid: Number(pid),
    dead: dead === '1',
    deadStatus: deadStatus === '' ? null : Number(deadStatus),
    currentCommand,
    windowActivity: Number(windowActivity) || 0,
  };
}

/**
 * Every pane of pwt's server ([] when the server is not running). Throws
 * TmuxUnavailable when tmux cannot be asked: the caller must not conclude
 * that anything died. Through the control client when this process has one
 * (`pwt watch`, control.ts).
 */
export async function listPanes(): Promise<AgentPane[]> {
  const result = await tmuxRead(['list-panes', '-a', '-F', FORMAT]);
  if (result.code !== 0) {
    if (isNoServer(result)) return [];
    throw new TmuxError(['list-panes'], result);
  }
  return result.stdout
    .split('\n')
    .filter(Boolean)
    .map(parsePane)
    .filter((pane): pane is AgentPane => pane !== null);
}

/** The panes pwt tagged as agents. */
export async function listAgentPanes(): Promise<AgentPane[]> {
  return (await listPanes()).filter((pane) => pane.agentId !== '');
}

/** The tmux session pwt uses for one pwt session (found by its tags), or null. */
export async function findTmuxSession(main: string, session: string): Promise<string | null> {
  const result = await tmuxRaw(['list-sessions', '-F', `#{session_name}${SEPARATOR}#{@pwt-main}${SEPARATOR}#{@pwt-session}`]);
  if (result.code !== 0) {
    if (isNoServer(result)) return null;
    throw new TmuxError(['list-sessions'], result);
  }
  for (const line of result.stdout.split('\n')) {
    const [name, taggedMain, taggedSession] = line.split(SEPARATOR);
    if (name && taggedMain === main && taggedSession === session) return name;
  }
  return null;
}

/** tmux turns '.' and ':' in session names into '_'; do it first so the name stays what we asked for. */
export function tmuxSessionName(project: string, session: string): string {
  return `${project}/${session}`.replace(/[.:]/g, '_');
}

export interface NewWindowOptions {
  /** The tmux session's preferred name (tmuxSessionName); a suffix is added if another project holds it. */
  tmuxSession: string;
  main: string;
  session: string;
  agentId: string;
  windowName: string;
  cwd: string;
  /** The command as an argument vector; tmux execs it directly (no shell). */
  argv: string[];
  /** The environment the command must see (the door passes what differs from the server's). */
  env: NodeJS.ProcessEnv;
  /** A file whose content replaces the PROMPT_PLACEHOLDER argument (for prompts longer than tmux takes). */
  promptFile?: string;
}

export interface NewWindow {
  tmuxSession: string;
  windowId: string;
  paneId: string;
  panePid: number;
}

/**
 * A POSIX sh program (a constant: every value reaches it as a positional
 * argument, none is parsed as shell code) that reads the prompt file,
 * replaces the placeholder argument with its content and execs the command.
 */
const PROMPT_LAUNCHER =
  'f=$1; m=$2; shift 2; p=$(cat -- "$f") || exit 127; for a do shift; if [ "$a" = "$m" ]; then set -- "$@" "$p"; else set -- "$@" "$a"; fi; done; exec "$@"';

/** Variables that belong to a tmux client, not to the program in a pane. */
const NOT_PASSED = new Set(['TMUX', 'TMUX_PANE', '_']);

async function showEnvironment(args: string[], into: Map<string, string | null>): Promise<boolean> {
  const result = await tmuxRaw(['show-environment', ...args]);
  if (result.code !== 0) {
    if (isNoServer(result)) return false;
    throw new TmuxError(['show-environment'], result);
  }
  for (const line of result.stdout.split('\n')) {
    if (line.startsWith('-')) into.set(line.slice(1), null);
    else if (line.includes('=')) into.set(line.slice(0, line.indexOf('=')), line.slice(line.indexOf('=') + 1));
  }
  return true;
}

/**
 * What a new pane would see without help: the server's global environment
 * (a server not yet running: the one we start it with) overlaid with the tmux
 * session's own (`-e` values given when the session was made stay there).
 */
async function paneBaseEnvironment(tmuxSession: string | null): Promise<Map<string, string | null>> {
  const env = new Map<string, string | null>();
  if (!(await showEnvironment(['-g'], env))) for (const [key, value] of Object.entries(tmuxEnv())) env.set(key, value ?? null);
  if (tmuxSession) await showEnvironment(['-t', `${tmuxSession}:`], env);
  return env;
}

/**
 * The argv of the pane: `env -u` for what the server has and the command must
 * not see, `-e K=V` flags for what it must see differently; the server's own
 * environment is the one it started with (a new server: ours).
 */
function environmentArgs(want: NodeJS.ProcessEnv, base: Map<string, string | null>): { flags: string[]; unset: string[] } {
  const flags: string[] = [];
  const unset: string[] = [];
  for (const [key, value] of Object.entries(want)) {
    if (value === undefined || NOT_PASSED.has(key)) continue;
    if (base.get(key) !== value) flags.push('-e', `${key}=${value}`);
  }
  for (const [key, value] of base) if (value !== null && !NOT_PASSED.has(key) && want[key] === undefined) unset.push('-u', key);
  return { flags, unset };
}

/**
 * A POSIX sh program (a constant) that enters the folder or exits: tmux
 * starts a pane in `$HOME` or `/` when its `-c` folder is gone, and a folder
 * removed between pwt's check and tmux's start (a racing `pwt remove`) must
 * never leave an agent running somewhere else.
 */
export const CD_LAUNCHER = 'cd -- "$1" || exit 126; shift; exec "$@"';

function paneArgv(opts: NewWindowOptions, unset: string[]): string[] {
  const command = unset.length ? ['env', ...unset, '--', ...opts.argv] : opts.argv;
  const prompted = opts.promptFile ? ['sh', '-c', PROMPT_LAUNCHER, 'pwt-launch', opts.promptFile, PROMPT_PLACEHOLDER, ...command] : command;
  return ['sh', '-c', CD_LAUNCHER, 'pwt-cd', opts.cwd, ...prompted];
}

/**
 * Starts `argv` in a new window of the pwt session's tmux session (made when
 * missing, at a fixed size), tagged with pwt's ids. Checks the folder first:
 * tmux silently starts in $HOME when the `-c` folder does not exist. Panes
 * stay after their program exits (remain-on-exit) so pwt can read how it
 * ended; pwt closes them.
 */
export async function newAgentWindow(opts: NewWindowOptions): Promise<NewWindow> {
  if (!statSync(opts.cwd, { throwIfNoEntry: false })?.isDirectory()) {
    throw preconditionError(
      `The worktree ${opts.cwd} does not exist; cannot start an agent there.`,
      'pwt status shows the session as missing-worktree; pwt cleanup repairs it.',
    );
  }
  const existing = await findTmuxSession(opts.main, opts.session);
  const { flags, unset } = environmentArgs(opts.env, await paneBaseEnvironment(existing));
  const argv = paneArgv(opts, unset);
  const printed = ['-P', '-F', ['#{session_name}', '#{window_id}', '#{pane_id}', '#{pane_pid}'].join(SEPARATOR)];
  const size = ['-x', String(WINDOW_WIDTH), '-y', String(WINDOW_HEIGHT)];
  const server: TmuxArg[] = [
    'start-server',
    THEN,
    'set-option',
    '-g',
    'remain-on-exit',
    'on',
    THEN,
    'set-option',
    '-g',
    'default-size',
    `${WINDOW_WIDTH}x${WINDOW_HEIGHT}`,
    THEN,
  ];
  // The window is made and tagged by one tmux command, so no kill of pwt can leave an untagged window that a
  // re-run would not find. Each tag targets the new window: in an existing session it is put after the last
  // window and named as the last ({end}); after new-session, commands without a target apply to the new session.
  const tags = (target: TmuxArg[]): TmuxArg[] =>
    (
      [
        ['@pwt-agent', opts.agentId],
        ['@pwt-session', opts.session],
        ['@pwt-main', opts.main],
      ] as const
    ).flatMap(([key, value]) => [THEN, 'set-option', '-w', ...target, key, value]);
  let args: TmuxArg[];
  if (existing) {
    // set-option takes no exact-name ("=") session target, but does take one for a window.
    const last = `=${existing}:{end}`;
    args = [...server, 'new-window', '-d', '-a', '-t', last, '-n', opts.windowName, '-c', opts.cwd, ...flags, ...printed, '--', ...argv, ...tags(['-t', last])];
  } else {
    const name = await freeSessionName(opts.tmuxSession);
    const sessionTags: TmuxArg[] = [THEN, 'set-option', '@pwt-main', opts.main, THEN, 'set-option', '@pwt-session', opts.session];
    args = [
      ...server,
      'new-session',
      '-d',
      '-s',
      name,
      '-n',
      opts.windowName,
      ...size,
      '-c',
      opts.cwd,
      ...flags,
      ...printed,
      '--',
      ...argv,
      ...sessionTags,
      ...tags([]),
    ];
  }
  const bytes = Buffer.byteLength(tmuxArgv(args).join('\0'));
  if (bytes > MAX_COMMAND_BYTES) {
    throw preconditionError(
      `The command for ${opts.agentId} is too long for tmux (${bytes} bytes).`,
      'Unset large environment variables, or pass long text with a prompt file.',
    );
  }
  const [tmuxSession = '', windowId = '', paneId = '', pid = ''] = (await tmux(args)).trim().split(SEPARATOR);
  return { tmuxSession, windowId, paneId, panePid: Number(pid) };
}

/** `name`, or `name-2`, `name-3`... when another project's session already has it. */
async function freeSessionName(name: string): Promise<string> {
  const result = await tmuxRaw(['list-sessions', '-F', '#{session_name}']);
  const taken = new Set(result.code === 0 ? result.stdout.split('\n') : []);
  for (let n = 1; ; n++) {
    const candidate = n === 1 ? name : `${name}-${n}`;
    if (!taken.has(candidate)) return candidate;
  }
}

/** Closes a window (and so its pane); a window already gone is fine. */
export async function killWindow(windowId: string): Promise<void> {
  const result = await tmuxRaw(['kill-window', '-t', windowId]);
  if (result.code !== 0 && !isNoTarget(result) && !isNoServer(result)) throw new TmuxError(['kill-window'], result);
}

/** Sends tmux key names ('Enter', 'C-c', 'C-d') to a pane. False when the pane is gone. */
export async function sendKeys(paneId: string, ...keys: string[]): Promise<boolean> {
  const result = await tmuxRaw(['send-keys', '-t', paneId, ...keys]);
  if (result.code === 0) return true;
  if (isNoTarget(result) || isNoServer(result)) return false;
  throw new TmuxError(['send-keys'], result);
}

/** Types text literally (no key names, no Enter). False when the pane is gone. */
export async function typeText(paneId: string, text: string): Promise<boolean> {
  return sendKeys(paneId, '-l', '--', text);
}

/**
 * Pastes `text` into a pane as one paste: through a tmux buffer loaded from
 * stdin (no length limit, nothing parsed as a key name), with bracketed-paste
 * markers around it when the program asked for them (tmux's `-p`), so tabs
 * and newlines stay inside one message. The buffer is deleted after the
 * paste. False when the pane is gone.
 */
export async function pasteText(paneId: string, text: string): Promise<boolean> {
  const buffer = `pwt-paste-${process.pid}-${Date.now().toString(36)}`;
  await tmux(['load-buffer', '-b', buffer, '-'], text);
  const result = await tmuxRaw(['paste-buffer', '-d', '-p', '-r', '-b', buffer, '-t', paneId]);
  if (result.code === 0) return true;
  await tmuxRaw(['delete-buffer', '-b', buffer]);
  if (isNoTarget(result) || isNoServer(result)) return false;
  throw new TmuxError(['paste-buffer'], result);
}

/** The pane's screen and `lines` of history as text ('' when the pane is gone). */
export async function capturePane(paneId: string, lines = 200): Promise<string> {
  const result = await tmuxRaw(['capture-pane', '-p', '-J', '-t', paneId, '-S', `-${lines}`]);
  if (result.code === 0) return result.stdout;
  if (isNoTarget(result) || isNoServer(result)) return '';
  throw new TmuxError(['capture-pane'], result);
}

/** Panes captured by one tmux process (its command line stays far below tmux's limit). */
const CAPTURES_PER_CALL = 100;

/**
 * The visible screens of many panes, by pane id: through the control client
 * when this process has one (control.ts), else from one tmux process per
 * hundred panes: a `capture-pane` per pane in one command sequence, each
 * preceded by a marker line (`display-message`) that says whose screen
 * follows. A pane that is gone is absent from the result (tmux stops a
 * sequence at a failing command: the panes after it are captured again).
 */
export async function capturePanes(paneIds: readonly string[]): Promise<Map<string, string>> {
  const screens = new Map<string, string>();
  let rest = [...new Set(paneIds)];
  // With a control client (pwt watch): one command line per pane, each answered on its own, no process.
  const replies = rest.length ? await overControl(rest.map((pane) => ['capture-pane', '-p', '-J', '-t', pane, '-S', '-0'])) : null;
  if (replies) {
    for (const [i, result] of replies.entries()) {
      if (result.code === 0) screens.set(rest[i] as string, result.stdout);
      else if (!isNoTarget(result)) throw new TmuxError(['capture-pane'], result);
    }
    return screens;
  }
  while (rest.length > 0) {
    const batch = rest.slice(0, CAPTURES_PER_CALL);
    const marker = `@@pwt-screen-${process.pid}-${Date.now()}`;
    // The pane's id comes from tmux's format, not as typed: display-message runs its text through strftime, which
    // pads a literal "%4" (a field width) to " %4", and the screen of every pane past %3 would be lost.
    const args = batch.flatMap((pane, i): TmuxArg[] => [
      ...(i ? ([THEN] as TmuxArg[]) : []),
      'display-message',
      '-p',
      '-t',
      pane,
      `${marker} #{pane_id}`,
      THEN,
      'capture-pane',
      '-p',
      '-J',
      '-t',
      pane,
      '-S',
      '-0',
    ]);
    const result = await tmuxRaw(args);
    if (result.code !== 0 && isNoServer(result)) return screens;
    let current: string | null = null;
    let text: string[] = [];
    const done = () => {
      if (current !== null) screens.set(current, text.length ? `${text.join('\n')}\n` : '');
    };
    const lines = result.stdout.split('\n');
    if (lines.at(-1) === '') lines.pop();
    for (const line of lines) {
      if (line.startsWith(`${marker} `)) {
        done();
        current = line.slice(marker.length + 1);
        text = [];
      } else text.push(line);
    }
    // The last pane named may have failed before its screen was printed: only a complete run vouches for it.
    if (result.code === 0) done();
    else if (current !== null && text.length > 0) done();
    const answered = batch.findIndex((pane) => !screens.has(pane));
    if (result.code === 0 || answered < 0) rest = rest.slice(batch.length);
    else {
      // The pane at `answered` made tmux stop: skip it (gone), ask again for the ones after it.
      if (!isNoTarget(result)) throw new TmuxError(['capture-pane'], result);
      rest = [...batch.slice(answered + 1), ...rest.slice(batch.length)];
    }
  }
  return screens;
}

/** Makes the window the current one of its tmux session (what an attach shows). */
export async function selectWindow(windowId: string): Promise<void> {
  await tmux(['select-window', '-t', windowId]);
}

/**
 * The command a person runs to attach to a pwt tmux session (for messages).
 * `-L pwt` names pwt's server, so it works from inside the user's own tmux
 * only with TMUX unset (see docs/agents-runtime.md).
 */
export function attachArgv(tmuxSession: string): string[] {
  return ['tmux', '-L', 'pwt', 'attach-session', '-t', `=${tmuxSession}`];
}

/** Closes a whole tmux session (every agent window of one pwt session). */
export async function killTmuxSession(tmuxSession: string): Promise<void> {
  const result = await tmuxRaw(['kill-session', '-t', `=${tmuxSession}`]);
  if (result.code !== 0 && !isNoTarget(result) && !isNoServer(result)) throw new TmuxError(['kill-session'], result);
}

/**
 * Attaches this terminal to a window of pwt's server until the user detaches.
 * From inside another tmux this nests a client on purpose (the user asked to
 * attach); the caller says how to detach first.
 */
export async function attachWindow(tmuxSession: string, windowId: string): Promise<AttachEnd> {
  await selectWindow(windowId);
  return tmuxInteractive(['attach-session', '-t', `=${tmuxSession}`]);
}

/** One line for an attach that failed: tmux's own reason, else its exit code. */
export function attachFailure(end: AttachEnd): string {
  return `tmux could not attach (${end.stderr.split('\n')[0] || `exit ${end.code}`}).`;
}

/** Is this process running inside a pane of pwt's own server? ($TMUX is "<socket>,<pid>,<session>".) */
export function insidePwtTmux(env: NodeJS.ProcessEnv = process.env): boolean {
  const socket = env.TMUX?.split(',')[0];
  if (!socket) return false;
  const dir = env.TMUX_TMPDIR || '/tmp';
  return socket === `${dir.replace(/\/$/, '')}/tmux-${process.getuid?.() ?? 0}/pwt`;
}

/** From inside pwt's server: show that window in this client (no nested attach). */
export async function switchClientTo(windowId: string): Promise<void> {
  await tmux(['switch-client', '-t', windowId]);
}

/**
 * A background program of pwt's own in its tmux server (the admission and
 * hibernation scheduler): started in session `name` unless a live one runs
 * there already; a dead one (its pane kept by remain-on-exit) is replaced.
 * Returns true when it started one.
 */
export async function ensureBackgroundSession(name: string, argv: string[], cwd: string): Promise<boolean> {
  const panes = await tmuxRaw(['list-panes', '-t', `=${name}`, '-F', '#{pane_dead}']);
  if (panes.code === 0 && panes.stdout.split('\n').some((line) => line.trim() === '0')) return false;
  if (panes.code === 0) await tmuxRaw(['kill-session', '-t', `=${name}`]);
  const size = ['-x', String(WINDOW_WIDTH), '-y', String(WINDOW_HEIGHT)];
  const server: TmuxArg[] = ['start-server', THEN, 'set-option', '-g', 'remain-on-exit', 'on', THEN];
  const result = await tmuxRaw([...server, 'new-session', '-d', '-s', name, ...size, '-c', cwd, '--', ...argv]);
  // Two pwt processes may race to start it: the loser finds it there, which is what was wanted.
  if (result.code !== 0 && !/duplicate session/.test(result.stderr)) throw new TmuxError(['new-session', '-s', name], result);
  return result.code === 0;
}

/** Ends a background session of pwt's (gone already is fine). */
export async function killBackgroundSession(name: string): Promise<void> {
  await tmuxRaw(['kill-session', '-t', `=${name}`]);
}
