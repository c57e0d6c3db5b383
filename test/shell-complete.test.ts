import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { completeWords, type CompletionWorld } from '../src/core/shell/complete.js';
import { makeProject, type Project } from './helpers/sandbox.js';
import { loadInit, runShell, withPwtOnPath, type ShellName } from './shell-harness.js';

/** The pure part: a table of command lines and the candidates for the last word. */
const world: CompletionWorld = {
  commands: ['create', 'status', 'path', 'remove', 'hooks', 'ls', 'rm'],
  aliases: { ls: 'status', rm: 'remove' },
  subcommands: async (command) =>
    command === 'hooks'
      ? ['install', 'uninstall', 'status']
      : command === 'run'
        ? ['list', 'show', 'pick', 'start']
        : command === 'agent'
          ? ['start', 'stop', 'switch', 'list']
          : [],
  flags: async (path) => {
    const key = path.join(' ');
    if (key === 'remove')
      return [
        { name: 'strategy', takesValue: true, values: ['pr', 'merge', 'keep', 'abandon'] },
        { name: 'yes', takesValue: false },
        { name: 'commit', takesValue: true },
      ];
    if (key === 'create')
      return [
        { name: 'goal', takesValue: true },
        { name: 'no-env', takesValue: false },
      ];
    if (key === 'hooks install') return [{ name: 'force', takesValue: false }];
    if (key === 'run pick') return [{ name: 'strategy', takesValue: true, values: ['merge', 'pr'] }];
    if (key === 'land')
      return [
        { name: 'run', takesValue: true },
        { name: 'check', takesValue: true },
        { name: 'squash', takesValue: false },
      ];
    if (key.startsWith('agent '))
      return [
        { name: 'session', takesValue: true },
        { name: 'detach', takesValue: false },
      ];
    return [];
  },
  sessions: async () => ['alpha', 'beta'],
  runs: async () => ['fix', 'try'],
  runProviders: async (run) => (run === 'fix' ? ['claude', 'codex'] : []),
  agentIds: async () => ['alpha-claude'],
  providers: ['claude', 'codex'],
};

describe('completeWords', () => {
  it.each([
    [
      ['pcd', ''],
      ['alpha', 'beta'],
    ],
    [
      ['pcd', 'al'],
      ['alpha', 'beta'],
    ],
    [['pcd', 'alpha', ''], []],
    [
      ['pend', ''],
      ['alpha', 'beta'],
    ],
    [
      ['pend', '--'],
      ['--strategy', '--yes', '--commit', '--help'],
    ],
    [
      ['pend', '--strategy', ''],
      ['pr', 'merge', 'keep', 'abandon'],
    ],
    [['pend', 'alpha', '--strategy', 'keep', ''], []],
    [
      ['pwt', ''],
      ['create', 'status', 'path', 'remove', 'hooks', 'ls', 'rm', 'help'],
    ],
    [
      ['pwt', 'help', ''],
      ['create', 'status', 'path', 'remove', 'hooks', 'ls', 'rm'],
    ],
    [
      ['pwt', 'help', 'hooks', ''],
      ['install', 'uninstall', 'status'],
    ],
    [
      ['pwt', 'sync', ''],
      ['alpha', 'beta'],
    ],
    [
      ['pwt', 'diff', ''],
      ['alpha', 'beta'],
    ],
    [
      ['pwt', '-'],
      ['--help', '--version'],
    ],
    [
      ['pwt', 'remove', ''],
      ['alpha', 'beta'],
    ],
    [
      ['pwt', 'rm', ''],
      ['alpha', 'beta'],
    ],
    [
      ['pwt', 'rm', '--yes', ''],
      ['alpha', 'beta'],
    ],
    [['pwt', 'rm', '--commit', ''], []],
    [
      ['pwt', 'rm', '--commit', 'msg', ''],
      ['alpha', 'beta'],
    ],
    [['pwt', 'rm', 'alpha', ''], []],
    [
      ['pwt', 'path', ''],
      ['alpha', 'beta'],
    ],
    [['pwt', 'create', ''], []],
    [
      ['pwt', 'create', '--'],
      ['--goal', '--no-env', '--help'],
    ],
    [
      ['pwt', 'hooks', ''],
      ['install', 'uninstall', 'status'],
    ],
    [
      ['pwt', 'hooks', 'install', '-'],
      ['--force', '--help'],
    ],
    [['pwt', 'hooks', 'nosuch', '-'], []],
    [['pwt', 'rm', '--', ''], []],
    [
      ['pwt', 'run', ''],
      ['list', 'show', 'pick', 'start'],
    ],
    [
      ['pwt', 'run', 'show', ''],
      ['fix', 'try'],
    ],
    [['pwt', 'run', 'show', 'fix', ''], []],
    [
      ['pwt', 'run', 'pick', ''],
      ['fix', 'try'],
    ],
    [
      ['pwt', 'run', 'pick', 'fix', ''],
      ['claude', 'codex'],
    ],
    [
      ['pwt', 'run', 'pick', '--strategy', 'pr', 'fix', ''],
      ['claude', 'codex'],
    ],
    [['pwt', 'run', 'pick', 'fix', 'codex', ''], []],
    [['pwt', 'run', 'list', ''], []],
    [['pwt', 'run', 'start', ''], []],
    [['pwt'], []],
    [
      ['pwt', 'agent', 'start', ''],
      ['claude', 'codex'],
    ],
    [
      ['pwt', 'agent', 'switch', '--detach', ''],
      ['claude', 'codex'],
    ],
    [
      ['pwt', 'agent', 'stop', ''],
      ['alpha-claude', 'claude', 'codex'],
    ],
    [
      ['pwt', 'agent', 'stop', '--session', ''],
      ['alpha', 'beta'],
    ],
    [['pwt', 'agent', 'start', 'claude', ''], []],
    [['pwt', 'agent', 'list', ''], []],
    [
      ['pwt', 'land', ''],
      ['alpha', 'beta'],
    ],
    [['pwt', 'land', 'beta', ''], ['alpha']],
    [['pwt', 'land', '--squash', 'alpha', ''], ['beta']],
    [
      ['pwt', 'land', '--run', ''],
      ['fix', 'try'],
    ],
    [['pwt', 'land', '--check', ''], []],
  ])(
    '%j -> %j',
    async (words, expected) => {
      expect(await completeWords(world, words)).toEqual(expected);
    },
    60_000,
  );
});

/** The same candidates through each real shell's completion machinery. */
describe('completion in the real shells', () => {
  let project: Project;
  let env: NodeJS.ProcessEnv;
  beforeAll(() => {
    project = makeProject();
    env = withPwtOnPath(project.sandbox);
    for (const name of ['alpha', 'beta', 'other']) expect(project.sandbox.pwt(project.main, ['create', name]).code).toBe(0);
    // A run file as pwt run start writes it (its sessions need not exist for completion).
    const runs = join(project.sessionsDir, '.pwt', 'runs');
    mkdirSync(runs, { recursive: true });
    const agent = (provider: string) => ({
      session: `fix-${provider}`,
      provider,
      agentId: null,
      vendorSessionId: null,
      cliCommand: null,
      tmuxSession: null,
      spawnedAt: null,
    });
    writeFileSync(
      join(runs, 'fix.json'),
      JSON.stringify({ version: 1, name: 'fix', createdAt: '2026-01-01T00:00:00.000Z', goals: [], prompt: null, agents: [agent('claude'), agent('pi')] }),
    );
  }, 60_000);
  afterAll(() => project.sandbox.cleanup(), 60_000);

  const lines = (text: string) => text.split('\n').filter(Boolean).sort();
  const quoted = (words: string[]) => words.map((word) => `'${word}'`).join(' ');

  /** bash: set COMP_WORDS/COMP_CWORD as readline would, call the registered function, read COMPREPLY. */
  function bash(words: string[], cwd = project.main): string[] {
    const script = [
      'set -u',
      loadInit('bash'),
      `fn=$(complete -p ${words[0]} | sed -E 's/.*-F ([^ ]+).*/\\1/')`,
      `COMP_WORDS=(${quoted(words)}); COMP_CWORD=${words.length - 1}`,
      '"$fn"',
      'printf \'%s\\n\' "${COMPREPLY[@]}"',
    ].join('\n');
    const result = runShell('bash', script, cwd, env);
    expect(result.stderr).toBe('');
    return lines(result.stdout);
  }

  /**
   * zsh: compinit registers the function with compdef; outside a completion
   * widget `compadd` cannot run, so a function of that name records what the
   * completer would add (words and CURRENT set as the widget sets them).
   */
  function zsh(words: string[], cwd = project.main): string[] {
    const script = [
      'autoload -Uz compinit && compinit -u -D',
      loadInit('zsh'),
      `fn=\${_comps[${words[0]}]}`,
      '[[ -n $fn ]] || { echo "no completer registered" >&2; exit 1; }',
      'compadd() { [[ $1 == -- ]] && shift; print -rl -- "$@"; }',
      `words=(${quoted(words)}); CURRENT=${words.length}`,
      '"$fn"',
    ].join('\n');
    const result = runShell('zsh', script, cwd, env);
    expect(result.stderr).toBe('');
    return lines(result.stdout);
  }

  /** fish: `complete -C` runs the registered completions for a command line. */
  function fish(words: string[], cwd = project.main): string[] {
    const result = runShell('fish', `${loadInit('fish')}\ncomplete -C '${words.join(' ')}'`, cwd, env);
    expect(result.stderr).toBe('');
    return lines(result.stdout.replace(/\t.*$/gm, ''));
  }

  const complete: Record<ShellName, (words: string[], cwd?: string) => string[]> = { bash, zsh, fish };

  describe.each(['bash', 'zsh', 'fish'] as ShellName[])('%s', (shell) => {
    // bash and fish filter by the typed prefix; zsh's compadd does that itself in a real widget.
    const filtered = shell !== 'zsh';

    it('completes session names for pcd', () => {
      expect(complete[shell](['pcd', ''])).toEqual(['alpha', 'beta', 'other']);
      expect(complete[shell](['pcd', 'al'])).toEqual(filtered ? ['alpha'] : ['alpha', 'beta', 'other']);
    }, 60_000);

    it('completes session names for pend, pwt remove, pwt rm and pwt path', () => {
      for (const words of [
        ['pend', ''],
        ['pwt', 'remove', ''],
        ['pwt', 'rm', ''],
        ['pwt', 'path', ''],
      ]) {
        expect(complete[shell](words), words.join(' ')).toEqual(['alpha', 'beta', 'other']);
      }
    }, 60_000);

    it('completes pwt subcommands, without hidden ones', () => {
      const commands = complete[shell](['pwt', '']);
      expect(commands).toEqual(expect.arrayContaining(['create', 'status', 'path', 'context', 'doctor', 'shell-init', 'ls']));
      expect(commands).not.toContain('complete');
      expect(complete[shell](['pwt', 'sh'])).toEqual(filtered ? ['shell-init'] : commands);
    }, 60_000);

    it('completes flags and fixed values', () => {
      expect(complete[shell](['pwt', 'create', '--'])).toEqual([
        '--agent',
        '--allow-dirty',
        '--base',
        '--detach',
        '--goal',
        '--help',
        '--host',
        '--json',
        '--no-env',
        '--no-hooks',
        '--on',
        '--prompt',
        '--trust-hooks',
      ]);
      expect(complete[shell](['pwt', 'shell-init', ''])).toEqual(['bash', 'fish', 'zsh']);
      expect(complete[shell](['pwt', 'rm', 'alpha', '--strategy', ''])).toEqual(['abandon', 'keep', 'merge', 'pr']);
      expect(complete[shell](['pwt', 'templates', ''])).toEqual(['install']);
      expect(complete[shell](['pwt', 'templates', 'install', '--agent', ''])).toEqual(['all', 'claude', 'codex', 'copilot', 'cursor', 'gemini', 'opencode']);
    }, 60_000);

    it("completes run names and a run's providers for pwt run", () => {
      expect(complete[shell](['pwt', 'run', 'show', ''])).toEqual(['fix']);
      expect(complete[shell](['pwt', 'run', 'pick', 'fix', ''])).toEqual(['claude', 'pi']);
      expect(complete[shell](['pwt', 'run', 'pick', 'nope', ''])).toEqual([]);
    }, 60_000);

    it('completes nothing outside a repository, without an error', () => {
      expect(complete[shell](['pcd', ''], project.sandbox.root)).toEqual([]);
    }, 60_000);
  });
});
