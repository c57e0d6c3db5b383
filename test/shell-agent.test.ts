import { chmodSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeProject, parseJson, type Project } from './helpers/sandbox.js';
import { killPwtServer } from './helpers/tmux.js';
import { loadInit, report, runShell, SHELL_NAMES, strict, withPwtOnPath } from './shell-harness.js';

/**
 * `pstart <name> --agent P` in the real shells: the session is made, the
 * agent starts in pwt's tmux (detached: no terminal here) and the shell ends
 * up in the worktree. The agent is a stand-in `cursor-agent` (cursor's CLI is
 * not on npm; the real CLIs' runs are in test/agents/runtime-*.e2e.test.ts),
 * on a tmux server of this test's own.
 */
describe.each(SHELL_NAMES)('%s: pstart --agent', (shell) => {
  let project: Project;
  let env: NodeJS.ProcessEnv;
  let tmuxDir: string;

  beforeAll(() => {
    project = makeProject();
    const bin = join(project.sandbox.root, 'agent-bin');
    mkdirSync(bin);
    writeFileSync(
      join(bin, 'cursor-agent'),
      [
        '#!/bin/sh',
        'if [ "$1" = create-chat ]; then echo 0a0b0c0d-1111-4111-8111-222233334444; exit 0; fi',
        "trap 'exit 130' INT",
        'while :; do sleep 1; done',
        '',
      ].join('\n'),
    );
    chmodSync(join(bin, 'cursor-agent'), 0o755);
    tmuxDir = join(project.sandbox.root, 'tmux');
    mkdirSync(tmuxDir);
    const base = withPwtOnPath(project.sandbox);
    env = { ...base, PATH: `${bin}:${base.PATH}`, TMUX_TMPDIR: tmuxDir };
  }, 60_000);
  afterAll(() => {
    killPwtServer(tmuxDir);
    project.sandbox.cleanup();
  }, 60_000);

  const run = (script: string) => runShell(shell, `${strict(shell)}\n${loadInit(shell)}\n${script}`, project.main, env);

  it('creates the session, starts the agent there and cds into it', () => {
    const result = run(`pstart omega --agent cursor --prompt 'first words'\n${report(shell)}`);
    expect(result.steps, result.stderr).toEqual([{ rc: 0, pwd: join(project.sessionsDir, 'omega') }]);
    expect(result.stderr).toMatch(/Started cursor in session omega \(agent omega-cursor\)/);
    const listed = project.sandbox.pwt(project.main, ['agent', 'list', '--session', 'omega', '--json'], { TMUX_TMPDIR: tmuxDir });
    expect(parseJson(listed.stdout).agents).toMatchObject([{ id: 'omega-cursor', status: 'running', vendorSessionId: '0a0b0c0d-1111-4111-8111-222233334444' }]);
    const stopped = project.sandbox.pwt(project.main, ['agent', 'stop', '--session', 'omega'], { TMUX_TMPDIR: tmuxDir, PATH: env.PATH });
    expect(stopped.code, stopped.stderr).toBe(0);
  }, 60_000);

  it('an unknown provider is a usage error before anything is made; the shell stays put', () => {
    const result = run(`pstart sigma --agent nosuch\n${report(shell)}`);
    expect(result.steps).toEqual([{ rc: 2, pwd: project.main }]);
    expect(result.stderr).toContain('Unknown provider "nosuch"');
    expect(parseJson(project.sandbox.pwt(project.main, ['status', '--json']).stdout).sessions.map((s: { id: string }) => s.id)).not.toContain('sigma');
  }, 60_000);
});
