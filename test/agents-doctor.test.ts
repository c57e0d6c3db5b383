import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { CLI_BIN, pathWithBwrap, pathWithout, requireCli } from './agents/harness.js';
import { makeProject, makeSandbox, parseJson, type Sandbox } from './helpers/sandbox.js';

/**
 * `pwt doctor`'s agent lines, with the real CLIs of the test cache on PATH
 * (npm run agents:install) or without them.
 */
interface Check {
  name: string;
  level: string;
  detail: string;
  fix?: string;
}

let sandbox: Sandbox | undefined;
afterEach(() => {
  sandbox?.cleanup();
  sandbox = undefined;
}, 60_000);

const checksOf = (stdout: string) => parseJson<{ checks: Check[] }>(stdout).checks;
const byName = (checks: Check[], name: string) => checks.find((check) => check.name === name);

describe('pwt doctor: agent CLIs', () => {
  it('lists each provider found with its version, and where its sessions live', () => {
    for (const cli of ['claude', 'codex', 'gemini', 'copilot', 'opencode', 'pi'] as const) requireCli(cli);
    sandbox = makeSandbox();
    const result = sandbox.pwt(sandbox.root, ['doctor', '--json'], { PATH: `${CLI_BIN}:${sandbox.env.PATH}`, CODEX_HOME: join(sandbox.root, 'codex-home') });
    const checks = checksOf(result.stdout);
    expect(byName(checks, 'claude')).toMatchObject({
      level: 'ok',
      detail: expect.stringMatching(/^claude 2\.\d+\.\d+ at .*; sessions in .*\/home\/\.claude$/),
    });
    expect(byName(checks, 'codex')?.detail).toMatch(/^codex \d+\.\d+\.\d+ at .*; sessions in .*\/codex-home$/);
    expect(byName(checks, 'opencode')?.detail).toMatch(/^opencode 1\.\d+\.\d+ at /);
    expect(byName(checks, 'pi')?.detail).toMatch(/^pi 0\.\d+\.\d+ at .*\/home\/\.pi\/agent$/);
    expect(byName(checks, 'cursor')).toMatchObject({ level: 'ok', detail: 'cursor-agent not found on PATH (optional)' });
  }, 60_000);

  it("warns when codex's home is inside the temp directory and bubblewrap is installed (its commands would all fail)", () => {
    requireCli('codex');
    sandbox = makeSandbox();
    const path = pathWithBwrap(`${CLI_BIN}:${sandbox.env.PATH}`, sandbox.root);
    // The sandbox's HOME is under the temp directory, so ~/.codex is too.
    const inTemp = byName(checksOf(sandbox.pwt(sandbox.root, ['doctor', '--json'], { PATH: path }).stdout), 'codex-sandbox');
    expect(inTemp).toMatchObject({
      level: 'warn',
      detail: expect.stringContaining('bwrap: execvp codex-linux-sandbox'),
      fix: expect.stringMatching(/CODEX_HOME/),
    });
    const tmp = join(sandbox.root, 'tmp');
    mkdirSync(tmp);
    expect(byName(checksOf(sandbox.pwt(sandbox.root, ['doctor', '--json'], { PATH: path, TMPDIR: tmp }).stdout), 'codex-sandbox')).toBeUndefined();
    const noBwrap = pathWithout('bwrap', path, sandbox.root);
    expect(byName(checksOf(sandbox.pwt(sandbox.root, ['doctor', '--json'], { PATH: noBwrap }).stdout), 'codex-sandbox')).toBeUndefined();
  }, 60_000);

  it("warns about gemini's session cleanup until the user turns it off", () => {
    requireCli('gemini');
    sandbox = makeSandbox();
    const env = { PATH: `${CLI_BIN}:${sandbox.env.PATH}` };
    const on = byName(checksOf(sandbox.pwt(sandbox.root, ['doctor', '--json'], env).stdout), 'gemini-cleanup');
    expect(on).toMatchObject({ level: 'warn', detail: expect.stringContaining('sessionRetention'), fix: expect.stringContaining('"enabled": false') });
    mkdirSync(join(sandbox.home, '.gemini'));
    writeFileSync(join(sandbox.home, '.gemini/settings.json'), '{ // comments are allowed\n "general": { "sessionRetention": { "enabled": false } } }\n');
    expect(byName(checksOf(sandbox.pwt(sandbox.root, ['doctor', '--json'], env).stdout), 'gemini-cleanup')).toBeUndefined();
  }, 60_000);

  it("a missing CLI is fine unless it is the project's defaultAgent (then a warning with the install command)", () => {
    const project = makeProject();
    sandbox = project.sandbox;
    const plain = checksOf(sandbox.pwt(project.main, ['doctor', '--json']).stdout);
    expect(byName(plain, 'pi')).toMatchObject({ level: 'ok', detail: 'pi not found on PATH (optional)' });
    expect(byName(plain, 'gemini-cleanup')).toBeUndefined();
    writeFileSync(join(project.main, '.pwt.json'), '{ "defaultAgent": "pi" }\n');
    const result = sandbox.pwt(project.main, ['doctor']);
    expect(result.stdout).toMatch(
      /warn {2}pi +pi not found on PATH \(it is this project's defaultAgent\)\n +fix: Install it: npm install -g @mariozechner\/pi-coding-agent/,
    );
  }, 60_000);
});
