import { afterEach, describe, expect, it } from 'vitest';
import { makeSandbox, type Sandbox } from './helpers/sandbox.js';

let sandbox: Sandbox;
afterEach(() => sandbox?.cleanup(), 60_000);

/** The command names listed under "Commands:" in pwt --help. */
function listedCommands(help: string): string[] {
  const section = help.split('Commands:\n')[1]?.split('\n\n')[0] ?? '';
  return section
    .split('\n')
    .map((line) => line.trim().split(/\s+/)[0] ?? '')
    .filter(Boolean);
}

describe('pwt help', () => {
  it('pwt help <command> is <command> --help: no "(name)" after the description, an EXAMPLES section, for every listed command', () => {
    sandbox = makeSandbox();
    const top = sandbox.pwt(sandbox.root, ['help']);
    expect(top.code).toBe(0);
    const commands = listedCommands(top.stdout);
    expect(commands).toEqual(expect.arrayContaining(['create', 'open', 'sync', 'diff', 'remove', 'status']));
    for (const command of commands) {
      const viaHelp = sandbox.pwt(sandbox.root, ['help', command]);
      expect(viaHelp.code).toBe(0);
      expect(viaHelp.stdout).toBe(sandbox.pwt(sandbox.root, [command, '--help']).stdout);
      const [first = ''] = viaHelp.stdout.split('\n');
      expect(first.endsWith(`(${command})`)).toBe(false);
      expect(viaHelp.stdout).toMatch(/\nEXAMPLES\n\n {2}.*pwt/);
      expect(viaHelp.stdout).not.toMatch(/ +\n/);
    }
  }, 60_000);

  it('reaches subcommands, and an unknown command is a usage error', () => {
    sandbox = makeSandbox();
    const sub = sandbox.pwt(sandbox.root, ['help', 'hooks', 'install']);
    expect(sub.code).toBe(0);
    expect(sub.stdout).toContain('USAGE pwt hooks install');
    expect(sub.stdout).toContain('EXAMPLES');
    const unknown = sandbox.pwt(sandbox.root, ['help', 'frobnicate']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toBe('pwt: Unknown command "frobnicate". Run: pwt help\n');
  }, 60_000);

  it('-V and --version print the version alone', () => {
    sandbox = makeSandbox();
    for (const flag of ['-V', '--version']) {
      const result = sandbox.pwt(sandbox.root, [flag]);
      expect(result.code).toBe(0);
      expect(result.stdout).toMatch(/^\d+\.\d+\.\d+\n$/);
    }
  }, 60_000);
});
