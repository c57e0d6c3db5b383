import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { activityLaunch, withActivityArgs } from '../../src/core/agents/runtime/activity/launch.js';
import { agentsDir } from '../../src/core/agents/runtime/activity/observe.js';
import { updateAgents, type AgentEntry } from '../../src/core/agents/runtime/records.js';
import type { Provider } from '../../src/core/agents/vendors/types.js';
import { updateManifest } from '../../src/core/manifest/store.js';
import { openProject, type Project } from '../../src/core/project/project.js';
import { capturePane, listPanes, newAgentWindow } from '../../src/core/tmux/windows.js';
import { runningEntry } from '../helpers/tmux.js';
import { poll, type AgentWorld } from './harness.js';

/**
 * A real agent CLI running as a pwt agent: the world's worktree registered
 * as session `name`, the CLI launched in pwt's tmux server (the test's
 * isolated one) with the activity hooks pwt passes at launch, and its entry
 * in the manifest, as the agent runtime records it.
 */
export interface RunningAgent {
  project: Project;
  session: string;
  agent: AgentEntry;
  screen(): Promise<string>;
  waitForScreen(pattern: RegExp, timeoutMs?: number): Promise<string>;
}

/** Registers `name` in the manifest; a session other than the world's own gets a worktree of its own. */
export async function registerSession(world: AgentWorld, name: string, goals = [`Goal of ${name}`]): Promise<Project> {
  const project = await openProject(world.project.main);
  const worktree = join(project.sessionsDir, name);
  if (!existsSync(worktree)) world.sandbox.git(world.project.main, 'worktree', 'add', '--quiet', '-b', `session/${name}`, worktree);
  await updateManifest(project, (manifest) => {
    manifest.sessions.push({
      id: name,
      branch: `session/${name}`,
      worktree: `../app-sessions/${name}`,
      startedAt: new Date().toISOString(),
      goals,
      status: 'active',
      base: 'main',
    });
  });
  return project;
}

export async function startRealAgent(world: AgentWorld, name: string, provider: Provider, argv: string[], env: NodeJS.ProcessEnv): Promise<RunningAgent> {
  const project = await registerSession(world, name);
  const agentId = `${name}-${provider}`;
  const launch = activityLaunch(provider, agentsDir(project.sessionsDir), agentId, env);
  for (const file of launch.files) {
    mkdirSync(dirname(file.path), { recursive: true });
    writeFileSync(file.path, file.content);
  }
  const [cmd, ...args] = argv;
  // tmux gives a new pane the PATH of the tmux client that asked for it, not the -e one: set it in the command.
  const full = [
    'env',
    `PATH=${env.PATH ?? ''}`,
    ...Object.entries(launch.env).map(([key, value]) => `${key}=${value}`),
    cmd as string,
    ...withActivityArgs(args, launch),
  ];
  const made = await newAgentWindow({
    tmuxSession: `app/${name}`,
    main: world.project.main,
    session: name,
    agentId,
    windowName: provider,
    cwd: world.cwd,
    env: { ...env, TMUX_TMPDIR: process.env.TMUX_TMPDIR },
    argv: full,
  });
  const agent = runningEntry(made, agentId, provider, full);
  await updateAgents(project, name, (agents) => void agents.push(agent));
  const screen = () => capturePane(made.paneId, 0);
  return {
    project,
    session: name,
    agent,
    screen,
    async waitForScreen(pattern, timeoutMs = 60_000) {
      try {
        return await poll(
          `screen to show ${pattern}`,
          async () => {
            const text = await screen();
            return pattern.test(text) ? text : null;
          },
          timeoutMs,
          250,
        );
      } catch (error) {
        const panes = await listPanes().catch((e: Error) => e.message);
        throw new Error(`${(error as Error).message}\n--- panes ---\n${JSON.stringify(panes)}\n--- screen ---\n${await screen()}`);
      }
    },
  };
}
