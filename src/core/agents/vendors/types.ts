/**
 * The one interface every agent CLI adapter implements (docs/agents.md). Each
 * provider lives in src/core/agents/<provider>.ts and is loaded lazily through
 * ./index.ts. Adapters only read vendors' folders; they never write there.
 */

export const PROVIDERS = ['claude', 'codex', 'gemini', 'copilot', 'cursor', 'opencode', 'pi'] as const;
export type Provider = (typeof PROVIDERS)[number];

export interface ToolCall {
  name: string;
  /** The call's arguments as the vendor recorded them (usually an object, e.g. { command }). */
  input: unknown;
  /** The tool's result as text ('' when none was recorded). */
  output: string;
}

/** One normalized message (`pwt agent transcript --json`, docs/agents.md). */
export interface TranscriptMessage {
  role: 'user' | 'assistant';
  text: string;
  tools: ToolCall[];
  /** ISO-8601 time of the message, or null when the vendor keeps none. */
  at: string | null;
}

export interface Transcript {
  provider: Provider;
  id: string;
  messages: TranscriptMessage[];
}

/** One vendor session found for a working directory (`pwt agent sessions --json`, docs/agents.md). */
export interface AgentSessionInfo {
  provider: Provider;
  id: string;
  /** The working directory the vendor recorded (realpath). */
  cwd: string;
  startedAt: string | null;
  updatedAt: string | null;
  /** User + assistant messages (after normalization). */
  messages: number;
  /** Where the vendor keeps it (file or database), for people and debugging. */
  source?: string;
}

export interface Detection {
  found: boolean;
  version: string | null;
  path: string | null;
}

/** A command line to spawn, in cwd, with extra env. */
export interface CommandSpec {
  cmd: string;
  args: string[];
  cwd: string;
  env?: Record<string, string>;
  /** Set when the id was chosen before the start (claude/gemini/copilot --session-id, ...). */
  sessionId?: string;
  /** Text to write on the CLI's stdin (opencode run reads its prompt there: argv prompts get quoted). */
  stdin?: string;
}

export interface StartOptions {
  cwd: string;
  prompt?: string;
  /** Run once and exit (print mode) instead of the interactive TUI. */
  headless?: boolean;
  /** A pwt-chosen id (uuid) where the CLI accepts one. */
  sessionId?: string;
  /** A human name where the CLI accepts one. */
  name?: string;
}

export interface ResumeOptions {
  cwd: string;
  prompt?: string;
  headless?: boolean;
}

export interface Adapter {
  provider: Provider;
  /** Executable name looked up on PATH. */
  binary: string;
  /** Can pwt choose the session id up front? */
  choosesId: boolean;
  detect(env?: NodeJS.ProcessEnv): Promise<Detection>;
  /** The vendor's home for sessions, honouring its own variables and HOME. */
  home(env?: NodeJS.ProcessEnv): string;
  startCommand(opts: StartOptions, env?: NodeJS.ProcessEnv): CommandSpec;
  resumeCommand(id: string, opts: ResumeOptions, env?: NodeJS.ProcessEnv): CommandSpec;
  /**
   * The id of the first session for exactly this cwd (realpath) created at or
   * after `since`, or null if none yet (callers poll).
   */
  captureSessionId(cwd: string, since: Date, env?: NodeJS.ProcessEnv): Promise<string | null>;
  /** Sessions for this cwd, newest first. */
  listSessions(cwd: string, env?: NodeJS.ProcessEnv): Promise<AgentSessionInfo[]>;
  readTranscript(id: string, opts: { cwd?: string; env?: NodeJS.ProcessEnv }): Promise<Transcript>;
  /**
   * Every file readTranscript would read this conversation from ([] while it has none yet), found the same
   * way and without reading them: while none of them changed (size, mtime) nor the list itself, the
   * conversation has not changed either (scheduler/hibernate.ts reads it again only then). opencode, whose
   * conversations share one database, names that database (any session's write changes it). Absent where
   * the vendor cannot tell.
   */
  conversationFiles?(id: string, opts: { cwd?: string; env?: NodeJS.ProcessEnv }): string[];
  /**
   * The same messages as readTranscript, one at a time while the file is read
   * (claude, codex). A caller that keeps only the recent ones (a handoff,
   * --max-chars) stays small on very large sessions. Throws like readTranscript.
   */
  streamTranscript?(id: string, opts: { cwd?: string; env?: NodeJS.ProcessEnv }): AsyncIterable<TranscriptMessage>;
  /**
   * Tokens (and cost where known) of this session, from the vendor's own files (./usage.ts). Absent where
   * the vendor records none (cursor). Throws like readTranscript.
   */
  readUsage?(id: string, opts: { cwd?: string; env?: NodeJS.ProcessEnv }): Promise<Usage>;
  /**
   * The usage limit that ended this session's last turn, from the vendor's own files: null when the last
   * thing recorded is not a limit (the agent answered since, or was never limited). Absent where the vendor
   * records none. The screen says the same while the agent runs (runtime/activity/limit.ts); this also
   * holds after the process is gone. Throws like readTranscript.
   */
  readLimit?(id: string, opts: { cwd?: string; env?: NodeJS.ProcessEnv }): Promise<RecordedLimit | null>;
  /**
   * For CLIs that mint an id in a separate call before the start (cursor-agent
   * create-chat): runs it and returns the id to pass as StartOptions.sessionId.
   */
  createSession?(cwd: string, env?: NodeJS.ProcessEnv): Promise<string>;
}

/**
 * Tokens one agent session used, read from the vendor's own files
 * (docs/usage.md). `input` counts prompt tokens that were not read from the
 * vendor's cache (cache writes included), `cached` the ones that were, and
 * `output` everything the model generated (reasoning included). `costUsd` is
 * the vendor's own figure where its files carry one (pi, opencode), else the
 * price table's (usage.ts, prices.ts) when it knows every model the session used.
 */
export interface Usage {
  input: number;
  output: number;
  cached: number;
  costUsd?: number;
  /** The model(s) the session used, as the vendor named them. */
  models: string[];
}

/** A usage limit as the vendor recorded it in its session files (docs/many-agents.md). */
export interface RecordedLimit {
  /** When the vendor recorded it (ISO), null when it keeps no time. */
  at: string | null;
  /**
   * When the limit resets (ISO), null when the vendor recorded no time of its own: the reader
   * (runtime/limited.ts) then reads the time the message names, as the vendor's screen shows it.
   */
  until: string | null;
  /** The vendor's own words, on one line. */
  message: string;
}
