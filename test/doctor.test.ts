import { afterEach, describe, expect, it } from 'vitest';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { NODE, makeProject, parseJson, type Project } from './helpers/sandbox.js';

let project: Project;
afterEach(() => project?.sandbox.cleanup(), 60_000);

type Check = { name: string; level: string; detail: string; fix?: string };
const byName = (checks: Check[], name: string) => checks.find((check) => check.name === name);

describe('pwt doctor', () => {
  it('reports each check as ok/warn/fail with a fix, in human form and JSON', () => {
    project = makeProject();
    const { sandbox, main } = project;
    expect(sandbox.pwt(main, ['create', 'd1']).code).toBe(0);
    const result = sandbox.pwt(main, ['doctor', '--json']);
    expect(result.code).toBe(0);
    const { checks, ok } = parseJson<{ checks: Check[]; ok: boolean }>(result.stdout);
    expect(ok).toBe(true);
    expect(byName(checks, 'git')).toMatchObject({ level: 'ok', detail: expect.stringMatching(/^git \d+\.\d+/) });
    expect(byName(checks, 'manifest')).toMatchObject({ level: 'ok', detail: expect.stringMatching(/^1 session/) });
    expect(byName(checks, 'lock')).toMatchObject({ level: 'ok' });
    for (const tool of ['gh', 'tmux', 'zsh', 'fish']) {
      const check = byName(checks, tool);
      expect(check, tool).toBeDefined();
      const installed = sandbox.sh('sh', ['-c', `command -v ${tool}`], main).code === 0;
      // tmux answers -V, not --version: an installed tool must be found whatever its flag.
      expect(check?.level, tool).toBe(installed ? 'ok' : 'warn');
      if (!installed) expect(check?.fix).toBeTruthy();
    }
    const human = sandbox.pwt(main, ['doctor']);
    expect(human.stdout).toMatch(/^ok\s+git\s+git \d/m);
  }, 60_000);

  it('says which tool is missing and how to get it', () => {
    project = makeProject();
    const { sandbox, main } = project;
    // A PATH with git and node only: gh, tmux, zsh and fish are "not found".
    const bin = join(sandbox.root, 'bin');
    mkdirSync(bin);
    const git = sandbox.sh('sh', ['-c', 'command -v git'], main).stdout.trim();
    writeFileSync(join(bin, 'git'), `#!/bin/sh\nexec ${git} "$@"\n`, { mode: 0o755 });
    const result = sandbox.sh(NODE, [join(import.meta.dirname, '../dist/cli.cjs'), 'doctor', '--json'], main, { PATH: bin });
    const { checks } = parseJson<{ checks: Check[] }>(result.stdout);
    expect(byName(checks, 'tmux')).toMatchObject({ level: 'warn', detail: expect.stringMatching(/not found/), fix: expect.stringMatching(/Install tmux/) });
    expect(byName(checks, 'gh')?.fix).toMatch(/gh auth login/);
  }, 60_000);

  it('fails (exit 3) on a manifest from a newer pwt', () => {
    project = makeProject();
    const { sandbox, main, sessionsDir } = project;
    mkdirSync(sessionsDir);
    writeFileSync(join(sessionsDir, '.manifest.json'), JSON.stringify({ version: 9, project: 'app', sessions: [] }));
    const result = sandbox.pwt(main, ['doctor', '--json']);
    expect(result.code).toBe(3);
    expect(byName(parseJson(result.stdout).checks, 'manifest')).toMatchObject({ level: 'fail', fix: expect.stringMatching(/Upgrade/) });
    expect(result.stderr).toMatch(/pwt doctor found 1 problem/);
  }, 60_000);
});
