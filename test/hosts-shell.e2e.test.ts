import { afterEach, describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { CLI, NODE } from './helpers/sandbox.js';
import { poll, TmuxSession, type AgentWorld } from './agents/harness.js';
import { hostWorld, type HostWorld } from './hosts-world.js';

/**
 * `pcd` of a host session in a real bash at a terminal: `pwt path` prints
 * `<host>:<path>`, and pcd opens a login shell in that worktree on the host
 * (`ssh -t`) instead of a local cd; a local session is still a plain cd.
 */
let world: HostWorld | undefined;
let term: TmuxSession | undefined;
afterEach(async () => {
  term?.kill();
  term = undefined;
  await world?.cleanup();
  world = undefined;
}, 60_000);

describe('pcd into a session on a host', () => {
  it('opens a shell in the host worktree over ssh; a local session is a local cd', async () => {
    world = await hostWorld();
    const { project, hostSessions } = world;
    expect(world.pwt(['create', 'here']).code).toBe(0);
    expect(world.pwt(['create', 'far', '--host', 'box']).code).toBe(0);
    const bin = join(project.sandbox.root, 'bin');
    mkdirSync(bin);
    writeFileSync(join(bin, 'pwt'), `#!/bin/sh\nexec ${NODE} ${CLI} "$@"\n`);
    chmodSync(join(bin, 'pwt'), 0o755);
    const env: NodeJS.ProcessEnv = {
      ...project.sandbox.env,
      ...world.env,
      PATH: `${bin}:${project.sandbox.env.PATH ?? ''}`,
      TERM: 'xterm-256color',
      PS1: '$ ',
    };
    delete env.CI;
    const terminal = { sandbox: project.sandbox, project, home: project.sandbox.home, cwd: project.main, env } as AgentWorld;
    term = TmuxSession.start(terminal, 'bash', ['--norc', '--noprofile'], { cwd: project.main, env, width: 160, height: 30 });
    term.type('eval "$(pwt shell-init bash)"');
    term.keys('Enter');
    term.type('pcd here && echo "LOCAL:$(pwd)"');
    term.keys('Enter');
    await term.waitForScreen(`LOCAL:${join(project.sessionsDir, 'here')}`);
    term.type('pcd far');
    term.keys('Enter');
    term.type('echo "REMOTE:$(pwd):${SSH_CONNECTION%% *}"');
    term.keys('Enter');
    await term.waitForScreen(`REMOTE:${join(hostSessions, 'far')}:127.0.0.1`, 30_000);
    term.type('exit');
    term.keys('Enter');
    // Back in the local bash once ssh has ended (keys typed before that would go to the host).
    await term.waitForScreen(/logout\n\$ ?\s*$/);
    term.type('echo "BACK:$(pwd)"');
    term.keys('Enter');
    await term.waitForScreen(`BACK:${join(project.sessionsDir, 'here')}`);
  }, 120_000);

  it("agent attach --session <host session> shows the host agent's live tmux; detaching comes back here", async () => {
    world = await hostWorld();
    const { project, hostSessions, sshd } = world;
    expect(world.pwt(['create', 'far', '--host', 'box']).code).toBe(0);
    // A running agent of pwt's on the host: a window of the host's pwt tmux server, recorded in the host's manifest.
    const tmuxEnv = { ...process.env, TMUX_TMPDIR: sshd.hostTmux, TMUX: '' };
    const made = spawnSync(
      'tmux',
      [
        '-L',
        'pwt',
        '-f',
        '/dev/null',
        'new-session',
        '-d',
        '-s',
        'app/far',
        '-P',
        '-F',
        '#{window_id} #{pane_id} #{pane_pid}',
        '--',
        'sh',
        '-c',
        'echo AGENT-ON-HOST; exec sleep 600',
      ],
      { env: tmuxEnv, encoding: 'utf8', cwd: '/' },
    );
    const [window, pane, pid] = made.stdout.trim().split(' ');
    spawnSync('tmux', ['-L', 'pwt', 'set-option', '-w', '-t', window!, '@pwt-agent', 'far-claude'], { env: tmuxEnv });
    const pidStart = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ')[19];
    const file = join(hostSessions, '.manifest.json');
    const manifest = JSON.parse(readFileSync(file, 'utf8'));
    manifest.sessions[0].agents = [
      {
        id: 'far-claude',
        provider: 'claude',
        status: 'running',
        cli: 'claude',
        cliCommand: ['claude'],
        spawnedAt: new Date().toISOString(),
        vendorSessionId: 'v1',
        resumeArgs: ['claude'],
        tmux: { session: 'app/far', window, pane, pid: Number(pid), pidStart },
      },
    ];
    writeFileSync(file, JSON.stringify(manifest, null, 2));
    const env: NodeJS.ProcessEnv = { ...project.sandbox.env, ...world.env, TERM: 'xterm-256color' };
    delete env.CI;
    const terminal = { sandbox: project.sandbox, project, home: project.sandbox.home, cwd: project.main, env } as AgentWorld;
    term = TmuxSession.start(terminal, NODE, [CLI, 'agent', 'attach', '--session', 'far'], { cwd: project.main, env, width: 120, height: 30 });
    await term.waitForScreen('AGENT-ON-HOST', 30_000);
    term.keys('C-b', 'd');
    await poll('attach to end after detaching', () => term!.exited(), 30_000);
    // Still running on the host: detaching never stops an agent.
    expect(spawnSync('tmux', ['-L', 'pwt', 'list-panes', '-a', '-F', '#{@pwt-agent}'], { env: tmuxEnv, encoding: 'utf8' }).stdout).toContain('far-claude');
  }, 120_000);
});
