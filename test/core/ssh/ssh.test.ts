import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { remoteCommand, runtimeDir, shPath, shQuote } from '../../../src/core/ssh/ssh.js';

/**
 * What reaches a host: ssh joins its arguments into one command line that
 * the login shell there parses. pwt sends one fixed line that decodes a sh
 * script; here each login shell pwt may meet (sh, bash, zsh, fish) runs
 * that line as sshd would (`<shell> -c <line>`), and the words must come out
 * exactly as given: quotes, $(...), backticks, newlines, backslashes.
 */
const NASTY = [
  `it's "quoted"`,
  '$(touch /tmp/pwt-should-not-exist)',
  '`touch /tmp/pwt-should-not-exist`',
  'two\nlines',
  'back\\slash \\n and %s',
  "'; exit 7; '",
  '${HOME} $PATH ~ * ? [a] {a,b} !x',
  'tab\tand trailing space ',
  '',
  'ünïcödé ✓',
];

const shells = ['sh', 'bash', 'zsh', 'fish'].filter((shell) => spawnSync('sh', ['-c', `command -v ${shell}`]).status === 0);

describe('the command line sent to a host', () => {
  it('is the same plain text for any script: only characters no login shell treats specially', () => {
    const line = remoteCommand(`printf '%s\\n' ${NASTY.map(shQuote).join(' ')}`);
    expect(line).toMatch(/^exec sh -c 'eval "\$\(printf %s [A-Za-z0-9+/=]+ \| base64 -d\)"'$/);
  });

  for (const shell of shells) {
    it(`${shell} as the login shell: every word arrives exactly as given, nothing runs`, () => {
      const script = `printf '<%s>\\n' ${NASTY.map(shQuote).join(' ')}`;
      const result = spawnSync(shell, ['-c', remoteCommand(script)], {
        encoding: 'utf8',
        env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: '/nonexistent' },
      });
      expect(result.stderr).toBe('');
      expect(result.status).toBe(0);
      expect(result.stdout).toBe(NASTY.map((word) => `<${word}>\n`).join(''));
    }, 30_000);
  }

  it('shQuote makes one sh word of anything', () => {
    for (const word of NASTY) expect(spawnSync('sh', ['-c', `printf %s ${shQuote(word)}`], { encoding: 'utf8' }).stdout).toBe(word);
  });

  it('shPath: a leading ~/ is the home on the host, everything else stays literal', () => {
    const run = (path: string) =>
      spawnSync('sh', ['-c', `printf %s ${shPath(path)}`], { encoding: 'utf8', env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: '/home/me' } }).stdout;
    expect(run('~/src/my app')).toBe('/home/me/src/my app');
    expect(run('~')).toBe('/home/me');
    expect(run("/srv/it's $(x)")).toBe("/srv/it's $(x)");
    expect(run('~other/x')).toBe('~other/x');
  });

  it('keeps control sockets in a private runtime folder, and refuses one others can read', () => {
    const root = mkdtempSync(join(tmpdir(), 'pwt-rt-'));
    try {
      expect(runtimeDir({ XDG_RUNTIME_DIR: root })).toBe(join(root, 'pwt'));
      mkdirSync(join(root, 'open'), { mode: 0o755 });
      mkdirSync(join(root, 'open', 'pwt'), { mode: 0o755 });
      expect(() => runtimeDir({ XDG_RUNTIME_DIR: join(root, 'open') })).toThrow(/not a private folder/);
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });
});
