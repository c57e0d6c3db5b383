import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { makeProject, parseJson, type Project } from './helpers/sandbox.js';
import { expectToMatchFile } from './helpers/snapshot.js';
import { report, runShell, SHELL_NAMES, withPwtOnPath, type ShellName } from './shell-harness.js';

describe('pwt shell-init', () => {
  let project: Project;
  let env: NodeJS.ProcessEnv;
  beforeEach(() => {
    project = makeProject();
    env = withPwtOnPath(project.sandbox);
  }, 60_000);
  afterEach(() => project.sandbox.cleanup(), 60_000);

  const pwt = (args: string[], extra: NodeJS.ProcessEnv = {}, cwd = project.main) => project.sandbox.sh('pwt', args, cwd, { ...env, ...extra });

  it.each(SHELL_NAMES)(
    'prints only %s code on stdout (snapshot)',
    (shell) => {
      // Outside any repository too: rc files run it from wherever the shell starts.
      const result = pwt(['shell-init', shell], {}, project.sandbox.root);
      expect(result.code).toBe(0);
      expect(result.stderr).toBe('');
      expectToMatchFile(result.stdout, join(import.meta.dirname, 'snapshots/shell-init', `${shell}.${{ bash: 'sh', zsh: 'zsh', fish: 'fish' }[shell]}`));
    },
    60_000,
  );

  it.each(SHELL_NAMES)(
    'the %s code parses in the real shell',
    (shell) => {
      const check = { bash: ['bash', ['-n']], zsh: ['zsh', ['-n']], fish: ['fish', ['--no-execute']] }[shell] as [string, string[]];
      const file = join(project.sandbox.root, `init.${shell}`);
      writeFileSync(file, pwt(['shell-init', shell]).stdout);
      const result = project.sandbox.sh(check[0], [...check[1], file], project.sandbox.root, env);
      expect(result.stderr).toBe('');
      expect(result.code).toBe(0);
    },
    60_000,
  );

  it('rejects an unknown or missing shell with exit 2', () => {
    const unknown = pwt(['shell-init', 'tcsh']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('Unknown shell "tcsh"');
    expect(unknown.stdout).toBe('');
    expect(pwt(['shell-init']).code).toBe(2);
    expect(pwt(['shell-init', 'bash', '--install', '--uninstall']).code).toBe(2);
  }, 60_000);

  const rcFiles: Record<ShellName, (home: string) => { file: string; env: NodeJS.ProcessEnv }> = {
    bash: (home) => ({ file: join(home, '.bashrc'), env: {} }),
    zsh: (home) => ({ file: join(home, 'zdot', '.zshrc'), env: { ZDOTDIR: join(home, 'zdot') } }),
    fish: (home) => ({ file: join(home, 'xdg', 'fish', 'config.fish'), env: { XDG_CONFIG_HOME: join(home, 'xdg') } }),
  };

  it.each(SHELL_NAMES)(
    '--install %s adds one guarded line, once, that loads pcd in a new shell',
    (shell) => {
      const { file, env: rcEnv } = rcFiles[shell](project.sandbox.home);
      mkdirSync(join(file, '..'), { recursive: true });
      writeFileSync(file, '# my own settings\nexport KEEP=1');
      const first = pwt(['shell-init', '--install', shell], rcEnv);
      expect(first.code).toBe(0);
      expect(first.stdout).toBe('');
      expect(first.stderr).toContain(file);
      const installed = readFileSync(file, 'utf8');
      expect(installed.startsWith('# my own settings\nexport KEEP=1\n')).toBe(true);
      expect(installed).toContain(`pwt shell-init ${shell}`);

      const second = pwt(['shell-init', '--install', shell], rcEnv);
      expect(second.code).toBe(0);
      expect(second.stderr).toContain('nothing changed');
      expect(readFileSync(file, 'utf8')).toBe(installed);

      // A new shell that reads the rc file has pcd.
      expect(pwt(['create', 'alpha']).code).toBe(0);
      const load = shell === 'fish' ? '' : `source '${file}'\n`;
      const script = `${load}pcd alpha\n${report(shell)}`;
      const shellEnv = { ...env, ...rcEnv };
      const result = shell === 'fish' ? project.sandbox.sh('fish', ['-c', script], project.main, shellEnv) : runShell(shell, script, project.main, shellEnv);
      expect(result.stdout).toContain(`rc=0 pwd=${join(project.sessionsDir, 'alpha')}`);

      const removed = pwt(['shell-init', '--uninstall', shell], rcEnv);
      expect(removed.code).toBe(0);
      expect(readFileSync(file, 'utf8')).toBe('# my own settings\nexport KEEP=1\n');
    },
    60_000,
  );

  it('--install creates a missing rc file (and its folder) and takes the shell from $SHELL', () => {
    const xdg = join(project.sandbox.home, 'fresh');
    const result = pwt(['shell-init', '--install'], { SHELL: '/usr/bin/fish', XDG_CONFIG_HOME: xdg });
    expect(result.code).toBe(0);
    expect(readFileSync(join(xdg, 'fish', 'config.fish'), 'utf8')).toContain('pwt shell-init fish | source');
    expect(pwt(['shell-init', '--install'], { SHELL: '/bin/tcsh' }).code).toBe(2);
  }, 60_000);

  it('pwt doctor reports whether the integration is set up', () => {
    const shellCheck = (extra: NodeJS.ProcessEnv) =>
      parseJson(pwt(['doctor', '--json'], { SHELL: '/bin/zsh', ZDOTDIR: project.sandbox.home, ...extra }).stdout).checks.find(
        (check: { name: string }) => check.name === 'shell',
      );
    expect(shellCheck({})).toMatchObject({ level: 'warn', fix: 'pwt shell-init --install zsh' });
    expect(pwt(['shell-init', '--install'], { SHELL: '/bin/zsh', ZDOTDIR: project.sandbox.home }).code).toBe(0);
    expect(shellCheck({}).level).toBe('ok');
    expect(shellCheck({ PWT_SHELL: 'fish', SHELL: '/bin/fish' })).toMatchObject({ level: 'ok', detail: 'pcd/pstart/pend loaded in this fish' });
  }, 60_000);

  it('--uninstall leaves a line the user wrote alone', () => {
    const bashrc = join(project.sandbox.home, '.bashrc');
    writeFileSync(bashrc, 'eval "$(pwt shell-init bash)"\n');
    const result = pwt(['shell-init', '--uninstall', 'bash']);
    expect(result.code).toBe(0);
    expect(result.stderr).toContain('nothing changed');
    expect(readFileSync(bashrc, 'utf8')).toBe('eval "$(pwt shell-init bash)"\n');
    // ... and --install sees that line and adds nothing.
    expect(pwt(['shell-init', '--install', 'bash']).stderr).toContain('already loads');
    expect(readFileSync(bashrc, 'utf8')).toBe('eval "$(pwt shell-init bash)"\n');
  }, 60_000);
});

describe('pwt create and the shell integration', () => {
  let project: Project;
  beforeEach(() => {
    project = makeProject();
  }, 60_000);
  afterEach(() => project.sandbox.cleanup(), 60_000);

  it('prints a setup tip when the shell functions are not loaded, and none when they are', () => {
    const without = project.sandbox.pwt(project.main, ['create', 'alpha'], { SHELL: '/usr/bin/zsh' });
    expect(without.code).toBe(0);
    expect(without.stderr).toContain('eval "$(pwt shell-init zsh)"');
    const loaded = project.sandbox.pwt(project.main, ['create', 'beta'], { PWT_SHELL: 'zsh' });
    expect(loaded.code).toBe(0);
    expect(loaded.stderr).not.toContain('shell-init');
  }, 60_000);

  it('writes the new path to PWT_CD_FILE (only an existing file), also with --json', () => {
    const cdFile = join(project.sandbox.root, 'cd-target');
    writeFileSync(cdFile, '');
    const result = project.sandbox.pwt(project.main, ['create', 'alpha', '--json'], { PWT_CD_FILE: cdFile });
    expect(result.code).toBe(0);
    expect(readFileSync(cdFile, 'utf8')).toBe(`${parseJson(result.stdout).path}\n`);
    const missing = join(project.sandbox.root, 'not-made-by-mktemp');
    expect(project.sandbox.pwt(project.main, ['create', 'beta'], { PWT_CD_FILE: missing }).code).toBe(0);
    expect(existsSync(missing)).toBe(false);
  }, 60_000);
});
