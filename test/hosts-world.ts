import { join } from 'node:path';
import { CLI, makeProject, NODE, type Project } from './helpers/sandbox.js';
import { ALIAS, startSshd, type TestSshd } from './helpers/sshd.js';

/**
 * A project here and a second clone of its origin "on a host": this machine
 * reached through the test's own sshd, running this build of pwt there.
 */
export interface HostWorld {
  project: Project;
  sshd: TestSshd;
  /** The host's clone. */
  clone: string;
  /** The host's sessions dir. */
  hostSessions: string;
  /** Env for local pwt (ssh config, runtime folder). */
  env: NodeJS.ProcessEnv;
  pwt(args: string[], extraEnv?: NodeJS.ProcessEnv, cwd?: string): { stdout: string; stderr: string; code: number };
  /** pwt run directly in the host's clone (as someone logged in there would). */
  pwtThere(args: string[]): { stdout: string; stderr: string; code: number };
  cleanup(): Promise<void>;
}

export const PWT_ON_HOST = `${NODE} ${CLI}`;

export async function hostWorld(options: { add?: boolean; hostEnv?: Record<string, string>; extraHosts?: Record<string, number> } = {}): Promise<HostWorld> {
  const project = makeProject();
  const { sandbox } = project;
  const sshd = await startSshd(sandbox.root, {
    nodeBin: NODE,
    ...(options.hostEnv ? { hostEnv: options.hostEnv } : {}),
    ...(options.extraHosts ? { extraHosts: options.extraHosts } : {}),
  });
  const clone = join(sandbox.root, 'box', 'app');
  sandbox.git(sandbox.root, 'clone', '--quiet', project.origin, clone);
  const env = { ...sshd.clientEnv };
  const world: HostWorld = {
    project,
    sshd,
    clone,
    hostSessions: join(sandbox.root, 'box', 'app-sessions'),
    env,
    pwt: (args, extraEnv, cwd) => sandbox.pwt(cwd ?? project.main, args, { ...env, ...extraEnv }),
    pwtThere: (args) => sandbox.pwt(clone, args, { HOME: sshd.hostHome, GIT_CONFIG_GLOBAL: join(sshd.hostHome, '.gitconfig'), TMUX_TMPDIR: sshd.hostTmux }),
    async cleanup() {
      await sshd.cleanup();
      sandbox.cleanup();
    },
  };
  if (options.add !== false) {
    const added = world.pwt(['host', 'add', 'box', ALIAS, '--repo', clone, '--pwt', PWT_ON_HOST]);
    if (added.code !== 0) throw new Error(`host add failed: ${added.stderr}`);
  }
  return world;
}
