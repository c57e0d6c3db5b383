import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { commitFile, makeProject, parseJson, type Project } from './helpers/sandbox.js';
import { fingerprint, sessionIds, TmuxPwt } from './remove-harness.js';

/**
 * `pwt run list|show|compare|pick|rm` on real repositories. The run file is
 * written here the way `pwt run start` writes it (the agent tests start real
 * runs); the sessions are real pwt sessions with real commits.
 */
let project: Project;
afterEach(() => project?.sandbox.cleanup(), 60_000);

const PROVIDERS = ['claude', 'codex', 'pi'];
const runFile = (name = 'fix') => join(project.sessionsDir, '.pwt', 'runs', `${name}.json`);
const git = (cwd: string, ...args: string[]) => project.sandbox.git(cwd, ...args).trim();
const pwt = (args: string[]) => project.sandbox.pwt(project.main, args);
const sessionDir = (provider: string, run = 'fix') => join(project.sessionsDir, `${run}-${provider}`);

/** A run "fix" of three sessions fix-claude, fix-codex, fix-pi, each with the commits `work` gives it. */
function withRun(work: Record<string, [string, string][]> = {}, extra: Record<string, unknown> = {}): void {
  project = makeProject();
  commitFile(project.sandbox, project.main, 'app.txt', 'one\ntwo\nthree\n', 'app');
  for (const provider of PROVIDERS) {
    const created = pwt(['create', `fix-${provider}`, '--goal', 'Fix the bug']);
    expect(created.code, created.stderr).toBe(0);
    for (const [file, content] of work[provider] ?? []) commitFile(project.sandbox, sessionDir(provider), file, content, `${provider}: ${file}`);
  }
  mkdirSync(join(project.sessionsDir, '.pwt', 'runs'), { recursive: true });
  const agents = PROVIDERS.map((provider, index) => ({
    session: `fix-${provider}`,
    provider,
    agentId: `fix-${provider}-${provider}`,
    vendorSessionId: index === 0 ? '0b5e0c4e-5f7e-4a39-9d3c-2d1f3b1e6a01' : null,
    cliCommand: `${provider} --prompt`,
    tmuxSession: `fix-${provider}`,
    spawnedAt: '2026-01-01T00:00:00.000Z',
  }));
  writeFileSync(
    runFile(),
    `${JSON.stringify({ version: 1, name: 'fix', createdAt: '2026-01-01T00:00:00.000Z', goals: ['Fix the bug'], prompt: 'Fix the bug', agents, base: 'main', ...extra }, null, 2)}\n`,
  );
}

describe('pwt run list and show', () => {
  it('lists no runs, then one; show joins the run file with each session as it is now', () => {
    project = makeProject();
    const none = pwt(['run', 'list', '--json']);
    expect(none.code, none.stderr).toBe(0);
    expect(parseJson(none.stdout)).toEqual({ runs: [] });
    expect(pwt(['run', 'list']).stdout).toMatch(/No runs yet/);
    project.sandbox.cleanup();

    withRun({
      claude: [
        ['a.txt', 'a\n'],
        ['b.txt', 'b\n'],
      ],
      codex: [['c.txt', 'c\n']],
    });
    writeFileSync(join(sessionDir('pi'), 'draft.txt'), 'uncommitted\n');
    const list = parseJson(pwt(['run', 'list', '--json']).stdout);
    expect(list.runs).toEqual([
      {
        name: 'fix',
        createdAt: '2026-01-01T00:00:00.000Z',
        goals: ['Fix the bug'],
        providers: PROVIDERS,
        sessions: ['fix-claude', 'fix-codex', 'fix-pi'],
        live: 3,
      },
    ]);

    const show = pwt(['run', 'show', 'fix', '--json']);
    expect(show.code, show.stderr).toBe(0);
    const state = parseJson(show.stdout);
    expect(state).toMatchObject({ version: 1, name: 'fix', goals: ['Fix the bug'], prompt: 'Fix the bug' });
    const byProvider = Object.fromEntries(state.agents.map((agent: any) => [agent.provider, agent]));
    expect(byProvider.claude).toMatchObject({
      session: 'fix-claude',
      vendorSessionId: '0b5e0c4e-5f7e-4a39-9d3c-2d1f3b1e6a01',
      exists: true,
      branch: 'session/fix-claude',
      ahead: 2,
      behind: 0,
      changes: 0,
    });
    expect(byProvider.codex).toMatchObject({ ahead: 1, changes: 0, vendorSessionId: null });
    expect(byProvider.pi).toMatchObject({ ahead: 0, changes: 1 });

    const human = pwt(['run', 'show', 'fix']);
    expect(human.code, human.stderr).toBe(0);
    expect(human.stdout).toMatch(/claude\s+fix-claude\s+\S+\s+0b5e0c4e-5f7e-4a39-9d3c-2d1f3b1e6a01\s+\+2\s+clean/);
    expect(human.stdout).toMatch(/pi\s+fix-pi\s+\S+\s+-\s+\+0\s+1 changed/);
  }, 60_000);

  it('reports a removed session as removed and a provider that never started as failed, recreating nothing', () => {
    withRun();
    const data = parseJson(readFileSync(runFile(), 'utf8'));
    data.agents[2] = {
      session: 'fix-pi',
      provider: 'pi',
      agentId: null,
      vendorSessionId: null,
      cliCommand: null,
      tmuxSession: null,
      spawnedAt: null,
      error: 'pi is not installed or not on PATH.',
    };
    writeFileSync(runFile(), JSON.stringify(data));
    expect(pwt(['remove', 'fix-codex', '--strategy', 'keep']).code).toBe(0);
    const state = parseJson(pwt(['run', 'show', 'fix', '--json']).stdout);
    expect(state.agents.map((agent: any) => agent.status)).toEqual([expect.any(String), 'removed', 'failed']);
    expect(state.agents[1]).toMatchObject({ exists: false, ahead: null });
    expect(existsSync(sessionDir('codex'))).toBe(false);
    expect(parseJson(pwt(['run', 'list', '--json']).stdout).runs[0].live).toBe(2);
  }, 60_000);

  it('exits 3 for an unknown run, 2 for a bad run name, and names an unreadable run file', () => {
    withRun();
    const unknown = pwt(['run', 'show', 'nope']);
    expect(unknown.code).toBe(3);
    expect(unknown.stderr).toMatch(/No run named "nope".*pwt run list/);
    expect(pwt(['run', 'show', 'bad..name']).code).toBe(2);
    expect(pwt(['run', 'show', 'fix', '--bogus']).code).toBe(2);
    expect(pwt(['run']).code).toBe(2);
    writeFileSync(runFile('broken'), '{ not json');
    const broken = pwt(['run', 'show', 'broken']);
    expect(broken.code).toBe(3);
    expect(broken.stderr).toMatch(/broken\.json is not valid JSON/);
    const list = pwt(['run', 'list', '--json']);
    expect(list.code).toBe(0);
    expect(parseJson(list.stdout).runs.map((run: any) => run.name)).toEqual(['fix']);
    expect(list.stderr).toMatch(/broken\.json/);
  }, 60_000);
});

describe('pwt run start: refusals before anything is made', () => {
  it('exits 2 for bad names, providers or prompts and 3 for a taken name or a dirty main worktree, changing nothing', () => {
    project = makeProject();
    expect(pwt(['create', 'try-pi']).code).toBe(0);
    const before = fingerprint(project);
    const cases: [string[], number, RegExp][] = [
      [['run', 'start', 'bad..name', '--agents', 'pi', '--prompt', 'x'], 2, /Invalid run name/],
      [['run', 'start', 'ok', '--agents', 'pi,nope', '--prompt', 'x'], 2, /Unknown provider: nope/],
      [['run', 'start', 'ok', '--agents', 'pi,pi', '--prompt', 'x'], 2, /pi is listed twice/],
      [['run', 'start', 'ok', '--agents', 'pi'], 2, /needs something to do.*--prompt/],
      [['run', 'start', 'ok', '--prompt', 'x'], 2, /--agents/],
      [['run', 'start', 'ok', '--agents', 'pi', '--prompt', 'x', '--prompt-file', 'f'], 2, /not both/],
      [['run', 'start', 'ok', '--agents', 'pi', '--prompt-file', join(project.sandbox.root, 'missing.txt')], 3, /Cannot read the prompt file/],
      [['run', 'start', 'try', '--agents', 'claude,pi', '--prompt', 'x'], 3, /A session named "try-pi" already exists/],
      [['run', 'start', 'ok', '--agents', 'pi', '--prompt', 'x', '--base', 'nosuch'], 3, /The base "nosuch" does not name a commit/],
    ];
    for (const [args, code, message] of cases) {
      const result = pwt(args);
      expect(result.code, args.join(' ')).toBe(code);
      expect(result.stderr, args.join(' ')).toMatch(message);
    }
    writeFileSync(join(project.main, 'README.md'), 'edited\n');
    const dirty = pwt(['run', 'start', 'ok', '--agents', 'pi', '--prompt', 'x']);
    expect(dirty.code).toBe(3);
    expect(dirty.stderr).toMatch(/uncommitted change/);
    git(project.main, 'checkout', '--', 'README.md');
    expect(fingerprint(project)).toBe(before);
    expect(existsSync(join(project.sessionsDir, '.pwt', 'runs', 'ok.json'))).toBe(false);
  }, 60_000);
});

describe('pwt run compare', () => {
  it('shows commits, files, lines, shared files and which branch merges cleanly, touching nothing', () => {
    withRun({
      claude: [
        ['app.txt', 'one\nTWO by claude\nthree\n'],
        ['claude.txt', 'c\n'],
      ],
      codex: [['app.txt', 'one\ntwo\nthree\nfour\n']],
      pi: [['pi.txt', 'p\n']],
    });
    // The base moves on and now conflicts with claude's change (same line), not with codex's (appended line).
    commitFile(project.sandbox, project.main, 'app.txt', 'one\nTWO on main\nthree\n', 'main changes line two');
    const before = fingerprint(project);
    const result = pwt(['run', 'compare', 'fix', '--json']);
    expect(result.code, result.stderr).toBe(0);
    expect(fingerprint(project)).toBe(before);
    const comparison = parseJson(result.stdout);
    const byProvider = Object.fromEntries(comparison.agents.map((agent: any) => [agent.provider, agent]));
    expect(byProvider.claude).toMatchObject({
      session: 'fix-claude',
      exists: true,
      branch: 'session/fix-claude',
      base: 'main',
      added: 2,
      removed: 1,
      merge: 'conflicts',
      conflicts: ['app.txt'],
      uncommitted: 0,
    });
    expect(byProvider.claude.commits.map((commit: any) => commit.subject)).toEqual(['claude: claude.txt', 'claude: app.txt']);
    expect(byProvider.claude.files).toEqual([
      { path: 'app.txt', added: 1, removed: 1 },
      { path: 'claude.txt', added: 1, removed: 0 },
    ]);
    expect(byProvider.codex).toMatchObject({ merge: 'clean', added: 1, removed: 0, files: [{ path: 'app.txt', added: 1, removed: 0 }] });
    expect(byProvider.pi).toMatchObject({ merge: 'clean', files: [{ path: 'pi.txt', added: 1, removed: 0 }] });
    expect(comparison.shared).toEqual([{ path: 'app.txt', sessions: ['fix-claude', 'fix-codex'] }]);

    const human = pwt(['run', 'compare', 'fix']);
    expect(human.code, human.stderr).toBe(0);
    expect(human.stdout).toMatch(/claude\s+fix-claude\s+2\s+2\s+\+2 -1\s+0\s+CONFLICTS/);
    expect(human.stdout).toMatch(/codex\s+fix-codex\s+1\s+1\s+\+1 -0\s+0\s+clean/);
    expect(human.stdout).toMatch(/Files changed by more than one agent:\n\s+app\.txt\s+\(fix-claude, fix-codex\)/);
    expect(fingerprint(project)).toBe(before);
  }, 60_000);

  it('--check runs the command in each worktree one at a time and keeps its output', () => {
    withRun({ codex: [['broken.txt', 'x\n']] });
    const lock = join(project.sandbox.root, 'check.lock');
    // Fails where broken.txt exists; mkdir fails if another check is still running.
    const check = `mkdir ${lock} || exit 9; echo "checking $PWT_SESSION"; sleep 0.3; rmdir ${lock}; test ! -e broken.txt || { echo "broken.txt found" >&2; exit 7; }`;
    const result = pwt(['run', 'compare', 'fix', '--check', check, '--json']);
    expect(result.code, result.stderr).toBe(0);
    const checks = Object.fromEntries(parseJson(result.stdout).agents.map((agent: any) => [agent.provider, agent.check]));
    expect(checks.claude).toMatchObject({ command: check, exitCode: 0, tail: 'checking fix-claude' });
    expect(checks.codex).toMatchObject({ exitCode: 7, tail: 'checking fix-codex\nbroken.txt found' });
    expect(checks.pi.exitCode).toBe(0);
    const log = join(project.sessionsDir, '.pwt', 'runs', 'fix', 'check-fix-codex.log');
    expect(checks.codex.log).toBe(log);
    expect(readFileSync(log, 'utf8')).toBe(`$ ${check}\nchecking fix-codex\nbroken.txt found\n[exit 7]\n`);
    const human = pwt(['run', 'compare', 'fix', '--check', 'test ! -e broken.txt']);
    expect(human.stdout).toMatch(/claude\s+fix-claude.*already in base\s+pass/);
    expect(human.stdout).toMatch(/codex\s+fix-codex.*clean\s+fail \(1\)/);
  }, 60_000);
});

describe('pwt run pick', () => {
  it('merges the chosen branch and abandons the others (archived, restorable, uncommitted work included)', () => {
    withRun({ claude: [['claude.txt', 'c\n']], codex: [['codex.txt', 'x\n']], pi: [['pi.txt', 'p\n']] });
    writeFileSync(join(sessionDir('pi'), 'notes.txt'), 'unsaved\n');
    const codexTip = git(project.main, 'rev-parse', 'session/fix-codex');
    const result = pwt(['run', 'pick', 'fix', 'claude', '--yes', '--json']);
    expect(result.code, result.stderr).toBe(0);
    const picked = parseJson(result.stdout);
    expect(picked.picked).toMatchObject({ session: 'fix-claude', strategy: 'merge' });
    expect(picked.abandoned.map((each: any) => [each.session, each.strategy])).toEqual([
      ['fix-codex', 'abandon'],
      ['fix-pi', 'abandon'],
    ]);
    expect(git(project.main, 'show', 'main:claude.txt')).toBe('c');
    expect(sessionIds(project)).toEqual([]);
    for (const provider of PROVIDERS) expect(existsSync(sessionDir(provider))).toBe(false);
    expect(git(project.main, 'for-each-ref', '--format=%(refname)', 'refs/heads/session/')).toBe('');
    expect(git(project.main, 'for-each-ref', '--format=%(refname)', 'refs/pwt/archive/')).toMatch(
      /refs\/pwt\/archive\/fix-codex\/.*\n.*refs\/pwt\/archive\/fix-pi\//,
    );
    expect(parseJson(readFileSync(runFile(), 'utf8')).picked).toMatchObject({ provider: 'claude', session: 'fix-claude', strategy: 'merge' });
    expect(parseJson(pwt(['run', 'list', '--json']).stdout).runs[0].picked.provider).toBe('claude');

    expect(pwt(['restore', 'fix-codex']).code).toBe(0);
    expect(git(sessionDir('codex'), 'rev-parse', 'HEAD')).toBe(codexTip);
    expect(pwt(['restore', 'fix-pi']).code).toBe(0);
    expect(readFileSync(join(sessionDir('pi'), 'notes.txt'), 'utf8')).toBe('unsaved\n');
  }, 90_000);

  it('changes nothing without --yes from a script, on a conflict (exit 4), or with uncommitted work in the chosen session', () => {
    withRun({ claude: [['app.txt', 'one\nTWO by claude\nthree\n']], codex: [['codex.txt', 'x\n']] });
    commitFile(project.sandbox, project.main, 'app.txt', 'one\nTWO on main\nthree\n', 'main changes line two');
    const before = fingerprint(project);
    const unconfirmed = pwt(['run', 'pick', 'fix', 'codex']);
    expect(unconfirmed.code).toBe(3);
    expect(unconfirmed.stderr).toMatch(/end fix-codex with merge, abandon fix-claude, fix-pi.*--yes/);
    const conflict = pwt(['run', 'pick', 'fix', 'claude', '--yes']);
    expect(conflict.code).toBe(4);
    expect(conflict.stderr).toMatch(/conflicts in: app\.txt/);
    expect(pwt(['run', 'pick', 'fix', 'gemini', '--yes']).code).toBe(3);
    expect(pwt(['run', 'pick', 'fix', 'codex', '--strategy', 'keep']).code).toBe(2);
    expect(fingerprint(project)).toBe(before);
    writeFileSync(join(sessionDir('codex'), 'codex.txt'), 'edited\n');
    const dirty = pwt(['run', 'pick', 'fix', 'codex', '--yes']);
    expect(dirty.code).toBe(3);
    expect(dirty.stderr).toMatch(/fix-codex has 1 uncommitted change.*Commit them first/);
    expect(sessionIds(project)).toEqual(['fix-claude', 'fix-codex', 'fix-pi']);
  }, 90_000);
});

describe('pwt run pick: the project hooks of the ending sequence', () => {
  const hookLog = () => join(project.sandbox.root, 'hooks.log');
  const logged = () => (existsSync(hookLog()) ? readFileSync(hookLog(), 'utf8').trim().split('\n') : []);
  const LOG = (event: string) => `echo "${event} $PWT_SESSION $(git rev-parse HEAD) $PWD" >> "$PWT_MAIN/../hooks.log"`;
  const hooks = (preMerge: string) =>
    JSON.stringify({ hooks: { 'pre-merge': [LOG('pre-merge'), preMerge], 'pre-remove': LOG('pre-remove'), 'post-remove': LOG('post-remove') } });

  it('a failing (approved) pre-merge refuses and changes nothing; a passing one gates the merge result, and every session runs pre-remove and post-remove', () => {
    withRun({ claude: [['claude.txt', 'c\n']], codex: [['codex.txt', 'x\n']] });
    // The hooks arrive on main after the sessions started: main moved on, so the merge is a new commit.
    commitFile(project.sandbox, project.main, '.pwt.json', hooks('echo "tests failed"; exit 1'), 'hooks');
    const before = fingerprint(project);
    const refused = pwt(['run', 'pick', 'fix', 'claude', '--yes', '--trust-hooks']);
    expect(refused.code, refused.stderr).toBe(3);
    expect(refused.stderr).toMatch(/The pre-merge hook .* failed \(exit 1\); nothing was merged and nothing was changed\..*\| tests failed/s);
    expect(fingerprint(project)).toBe(before);
    expect(sessionIds(project)).toEqual(['fix-claude', 'fix-codex', 'fix-pi']);
    // It ran once, on the merge result in a temporary worktree, and nothing else ran.
    const [gate, ...rest] = logged();
    expect(rest).toEqual([]);
    expect(gate).toMatch(new RegExp(`^pre-merge fix-claude [0-9a-f]{40} ${join(project.sessionsDir, '.pwt', 'land').replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}/`));
    const tested = gate!.split(' ')[2]!;
    expect(git(project.main, 'rev-parse', `${tested}^1`)).toBe(git(project.main, 'rev-parse', 'main'));
    expect(git(project.main, 'rev-parse', `${tested}^2`)).toBe(git(project.main, 'rev-parse', 'session/fix-claude'));
    expect(git(project.main, 'worktree', 'list', '--porcelain')).not.toMatch(/\.pwt\/land/);

    // --no-hooks is not needed here: the fixed hook set is approved again with --trust-hooks.
    commitFile(project.sandbox, project.main, '.pwt.json', hooks('test -f claude.txt'), 'hooks pass');
    writeFileSync(hookLog(), '');
    const picked = pwt(['run', 'pick', 'fix', 'claude', '--yes', '--trust-hooks']);
    expect(picked.code, picked.stderr).toBe(0);
    const lines = logged().filter(Boolean);
    const passed = lines.find((line) => line.startsWith('pre-merge '))!;
    // main is exactly the commit the gate tested.
    expect(passed.split(' ')[2]).toBe(git(project.main, 'rev-parse', 'main'));
    expect(git(project.main, 'show', 'main:claude.txt')).toBe('c');
    expect(lines.map((line) => line.split(' ').slice(0, 2).join(' '))).toEqual([
      'pre-merge fix-claude',
      'pre-remove fix-claude',
      'post-remove fix-claude',
      'pre-remove fix-codex',
      'post-remove fix-codex',
      'pre-remove fix-pi',
      'post-remove fix-pi',
    ]);
    expect(sessionIds(project)).toEqual([]);
  }, 90_000);

  it('refuses, changing nothing, when the hooks are not approved and nobody can be asked; --no-hooks goes ahead without them', () => {
    withRun({ claude: [['claude.txt', 'c\n']] });
    commitFile(project.sandbox, project.main, '.pwt.json', hooks('exit 1'), 'hooks');
    const before = fingerprint(project);
    const refused = pwt(['run', 'pick', 'fix', 'claude', '--yes']);
    expect(refused.code).toBe(3);
    expect(refused.stderr).toMatch(/--trust-hooks/);
    expect(fingerprint(project)).toBe(before);
    const skipped = pwt(['run', 'pick', 'fix', 'claude', '--yes', '--no-hooks']);
    expect(skipped.code, skipped.stderr).toBe(0);
    expect(skipped.stderr).toMatch(/Skipped the project hooks \(--no-hooks\)/);
    expect(logged()).toEqual([]);
    expect(git(project.main, 'show', 'main:claude.txt')).toBe('c');
  }, 90_000);
});

describe('pwt run pick at a terminal', () => {
  let term: TmuxPwt | undefined;
  afterEach(() => term?.kill(), 60_000);

  it('asks once for the whole pick; "no" changes nothing, "yes" does it all', async () => {
    withRun({ claude: [['claude.txt', 'c\n']], codex: [['codex.txt', 'x\n']] });
    const before = fingerprint(project);
    term = new TmuxPwt(project.sandbox, project.main, ['run', 'pick', 'fix', 'codex']);
    await term.waitFor(/Pick codex in run fix: end fix-codex with merge, abandon fix-claude, fix-pi.*Go ahead\?/);
    term.keys(['n']);
    expect((await term.exit()).code).toBe(130);
    expect(fingerprint(project)).toBe(before);
    term.kill();

    term = new TmuxPwt(project.sandbox, project.main, ['run', 'pick', 'fix', 'codex']);
    await term.waitFor(/Go ahead\?/);
    term.keys(['y']);
    const { code, screen } = await term.exit();
    expect(code, screen).toBe(0);
    expect(screen).toMatch(/pwt restore fix-claude/);
    expect(git(project.main, 'show', 'main:codex.txt')).toBe('x');
    expect(sessionIds(project)).toEqual([]);
  }, 60_000);
});

describe('pwt run rm', () => {
  it('keeps every branch, removes the worktrees and the run file; refuses uncommitted work first', () => {
    withRun({ claude: [['claude.txt', 'c\n']] });
    const tip = git(project.main, 'rev-parse', 'session/fix-claude');
    writeFileSync(join(sessionDir('pi'), 'draft.txt'), 'draft\n');
    const before = fingerprint(project);
    const dirty = pwt(['run', 'rm', 'fix']);
    expect(dirty.code).toBe(3);
    expect(dirty.stderr).toMatch(/uncommitted work in fix-pi \(1\)/);
    expect(fingerprint(project)).toBe(before);
    git(sessionDir('pi'), 'add', '-A');
    git(sessionDir('pi'), 'commit', '-q', '-m', 'draft');

    const result = pwt(['run', 'rm', 'fix', '--json']);
    expect(result.code, result.stderr).toBe(0);
    expect(parseJson(result.stdout).kept.map((each: any) => each.session)).toEqual(['fix-claude', 'fix-codex', 'fix-pi']);
    expect(existsSync(runFile())).toBe(false);
    expect(sessionIds(project)).toEqual([]);
    expect(git(project.main, 'rev-parse', 'session/fix-claude')).toBe(tip);
    expect(git(project.main, 'show', 'session/fix-pi:draft.txt')).toBe('draft');
    expect(pwt(['run', 'show', 'fix']).code).toBe(3);
  }, 60_000);
});
