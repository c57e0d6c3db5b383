import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { activityLaunch, withActivityArgs } from './activity/launch.js';
import { limitSeenFile } from './activity/limit-seen.js';
import { agentsDir, screenFile } from './activity/observe.js';
import { hookFile } from './activity/event-file.js';
import { processStartTime } from '../../infra/processes.js';
import type { Project } from '../../project/project.js';
import { capturePane, killWindow, listAgentPanes, newAgentWindow, PROMPT_PLACEHOLDER, tmuxSessionName } from '../../tmux/windows.js';
import type { CommandSpec, Provider } from '../vendors/types.js';
import { pwtStateDir, type TmuxPlace } from './records.js';

/**
 * Puts one CLI command line into a tmux window of its session. A prompt
 * never goes through tmux's command (which refuses ~16 KB): it is written to
 * a file and put back in place of its argument when the program starts.
 */
export interface Launched {
  place: TmuxPlace;
  /** The argument vector, the prompt shown as "<prompt>". */
  cliCommand: string[];
  spawnedAt: string;
}

export async function launchInTmux(
  project: Project,
  opts: { session: string; agentId: string; provider: Provider; cwd: string; spec: CommandSpec; prompt?: string; env: NodeJS.ProcessEnv },
): Promise<Launched> {
  // The vendor's own event hooks report to `pwt _agent-event` for this launch only (docs/activity.md).
  const activity = activityLaunch(opts.provider, agentsDir(project.sessionsDir), opts.agentId, { ...opts.env, ...opts.spec.env });
  // A new process: what the previous one's hooks and screen said no longer holds.
  const dir = agentsDir(project.sessionsDir);
  for (const stale of [hookFile(dir, opts.agentId), screenFile(dir, opts.agentId), limitSeenFile(dir, opts.agentId)]) rmSync(stale, { force: true });
  for (const file of activity.files) {
    mkdirSync(dirname(file.path), { recursive: true });
    writeFileSync(file.path, file.content);
  }
  const argv = [opts.spec.cmd, ...withActivityArgs(opts.spec.args, activity)];
  let promptFile: string | undefined;
  const shown = [...argv];
  if (opts.prompt) {
    // Adapters may adjust the prompt's argument (pi puts a space before a leading "-" or "@"): find it by its end.
    const index = argv.findIndex((arg, i) => i > 0 && arg.endsWith(opts.prompt as string));
    if (index > 0) {
      const dir = join(pwtStateDir(project.sessionsDir), 'agents');
      mkdirSync(dir, { recursive: true });
      promptFile = join(dir, `${opts.agentId}.prompt.txt`);
      writeFileSync(promptFile, argv[index] as string);
      argv[index] = PROMPT_PLACEHOLDER;
      shown[index] = '<prompt>';
    }
  }
  const spawnedAt = new Date().toISOString();
  const window = await newAgentWindow({
    tmuxSession: tmuxSessionName(project.repo.project, opts.session),
    main: project.repo.mainPath,
    session: opts.session,
    agentId: opts.agentId,
    windowName: opts.provider,
    cwd: opts.cwd,
    argv,
    env: { ...opts.env, ...opts.spec.env, ...activity.env },
    promptFile,
  });
  return {
    place: { session: window.tmuxSession, window: window.windowId, pane: window.paneId, pid: window.panePid, pidStart: processStartTime(window.panePid) },
    cliCommand: shown,
    spawnedAt,
  };
}

const sleep = (ms: number) => new Promise((done) => setTimeout(done, ms));
const EARLY_EXIT_MS = 8_000;
/** A resumed TUI that drew more than this many lines did not die at once (dux counts five lines of output). */
const SHOWN_LINES = 5;

/**
 * Watches a fresh resume: null when it came up (drew a screen, or is still
 * alive after a while), else the last lines it printed before it died at once.
 */
export async function exitedAtOnce(place: TmuxPlace): Promise<string | null> {
  const until = Date.now() + EARLY_EXIT_MS;
  while (Date.now() < until) {
    const pane = (await listAgentPanes()).find((each) => each.paneId === place.pane);
    const screen = await capturePane(place.pane, 50);
    if (!pane || pane.dead) return screen.trim().split('\n').slice(-5).join('\n') || '(no output)';
    if (screen.split('\n').filter((line) => line.trim()).length > SHOWN_LINES) return null;
    await sleep(200);
  }
  return null;
}

/** Closes the window of a place (its pane may be dead already). */
export async function closePlace(place: TmuxPlace | undefined): Promise<void> {
  if (place) await killWindow(place.window);
}
