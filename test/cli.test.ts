import { afterEach, describe, expect, it } from 'vitest';
import { NODE, CLI, makeProject, type Project } from './helpers/sandbox.js';

let project: Project;
afterEach(() => project?.sandbox.cleanup(), 60_000);

describe('pwt (global behaviour)', () => {
  it('prints help and version; unknown commands and flags are usage errors (exit 2)', () => {
    project = makeProject();
    const { sandbox, main } = project;
    const help = sandbox.pwt(main, ['--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/Usage: pwt <command>/);
    for (const command of ['create', 'status', 'path', 'context', 'doctor', 'ls']) {
      const result = sandbox.pwt(main, [command, '--help']);
      expect(result.code, command).toBe(0);
      expect(result.stdout, command).toContain(`USAGE pwt ${command === 'ls' ? 'status' : command}`);
      expect(result.stdout).not.toMatch(/\u001B\[/);
    }
    expect(sandbox.pwt(main, ['--version']).stdout).toMatch(/^\d+\.\d+\.\d+\n$/);
    const unknown = sandbox.pwt(main, ['frobnicate']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toBe('pwt: Unknown command "frobnicate". Run: pwt --help\n');
    for (const args of [
      ['status', '--bogus'],
      ['path', '--json'],
      ['context', 'extra'],
    ]) {
      const result = sandbox.pwt(main, args);
      expect(result.code, args.join(' ')).toBe(2);
      expect(result.stdout).toBe('');
    }
  }, 60_000);

  it('keeps stdout for data: --json output parses and people-text goes to stderr', () => {
    project = makeProject();
    const { sandbox, main } = project;
    const created = sandbox.pwt(main, ['create', 'x', '--json']);
    expect(() => JSON.parse(created.stdout)).not.toThrow();
    const human = sandbox.pwt(main, ['create', 'y']);
    expect(human.stdout).toBe('');
    expect(human.stderr).toMatch(/Created session y/);
  }, 60_000);

  it('stops quietly when the reader of its output goes away (| head)', () => {
    project = makeProject();
    const { sandbox, main } = project;
    const result = sandbox.sh('bash', ['-c', `set -o pipefail; "${NODE}" "${CLI}" doctor | head -1`], main);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout.split('\n')).toHaveLength(2);
    expect(result.stderr).not.toMatch(/EPIPE|unexpected error/);
  }, 60_000);

  it('respects NO_COLOR (no escape sequences anywhere)', () => {
    project = makeProject();
    const { sandbox, main } = project;
    sandbox.pwt(main, ['create', 'c']);
    const result = sandbox.pwt(main, ['status'], { NO_COLOR: '1', FORCE_COLOR: '1' });
    expect(result.stdout + result.stderr).not.toMatch(/\u001B\[/);
  }, 60_000);
});
