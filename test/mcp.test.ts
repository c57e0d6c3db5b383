import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { commitFile, makeProject, parseJson, type Project } from './helpers/sandbox.js';
import { fingerprint, manifest, sessionIds } from './remove-harness.js';
import { connectMcp, no, yes, type McpSession } from './mcp-client.js';

/**
 * `pwt mcp` driven by the MCP SDK's own client over stdio against the built
 * CLI, in real repositories: every tool, every refusal (the JSON
 * { error, hint, exitCode } with the CLI's exit code), bad arguments, two
 * clients at once, and a client that goes away mid-call. The agent tools
 * with real agents are in test/agents/mcp.e2e.test.ts.
 */
let project: Project;
const open: McpSession[] = [];
afterEach(async () => {
  for (const session of open.splice(0)) await session.close().catch(() => undefined);
  project?.sandbox.cleanup();
}, 60_000);

const git = (cwd: string, ...args: string[]) => project.sandbox.git(cwd, ...args).trim();
const pwt = (args: string[], cwd = project.main) => project.sandbox.pwt(cwd, args);
const sessionDir = (name: string) => join(project.sessionsDir, name);

async function mcp(opts: Parameters<typeof connectMcp>[2] & { cwd?: string } = {}): Promise<McpSession> {
  const session = await connectMcp(opts.cwd ?? project.main, project.sandbox.env, opts);
  open.push(session);
  return session;
}

/** A refusal: a tool error whose JSON is { error, hint?, exitCode }. */
function expectRefusal(result: { isError: boolean; json: any }, exitCode: number, error: RegExp): void {
  expect(result.isError, JSON.stringify(result.json)).toBe(true);
  expect(result.json).toMatchObject({ exitCode, error: expect.stringMatching(error) });
  expect(Object.keys(result.json).sort()).toEqual(result.json.hint === undefined ? ['error', 'exitCode'] : ['error', 'exitCode', 'hint']);
}

const runFile = (name = 'fix') => join(project.sessionsDir, '.pwt', 'runs', `${name}.json`);

/** A run "fix" of sessions fix-claude and fix-codex with the commits given (written as `pwt run start` writes it; the agent tests start real runs). */
function withRun(work: Record<string, [string, string][]>): void {
  const providers = Object.keys(work);
  for (const provider of providers) {
    expect(pwt(['create', `fix-${provider}`, '--goal', 'Fix the bug']).code).toBe(0);
    for (const [file, content] of work[provider] ?? []) commitFile(project.sandbox, sessionDir(`fix-${provider}`), file, content, `${provider}: ${file}`);
  }
  mkdirSync(join(project.sessionsDir, '.pwt', 'runs'), { recursive: true });
  const agents = providers.map((provider) => ({
    session: `fix-${provider}`,
    provider,
    agentId: `fix-${provider}-${provider}`,
    vendorSessionId: null,
    cliCommand: `${provider} --prompt`,
    tmuxSession: `fix-${provider}`,
    spawnedAt: '2026-01-01T00:00:00.000Z',
  }));
  writeFileSync(
    runFile(),
    `${JSON.stringify({ version: 1, name: 'fix', createdAt: '2026-01-01T00:00:00.000Z', goals: ['Fix the bug'], prompt: 'Fix the bug', agents, base: 'main' }, null, 2)}\n`,
  );
}

describe('pwt mcp: tools over stdio (the SDK client)', () => {
  it('lists the tools; list_sessions is what pwt status --json says; create_session makes a real session', async () => {
    project = makeProject();
    const client = await mcp();
    const { tools } = await client.client.listTools();
    expect(tools.map((tool) => tool.name).sort()).toEqual(
      [
        'compare_run',
        'create_session',
        'end_session',
        'land',
        'list_sessions',
        'pick_run',
        'read_transcript',
        'send_to_agent',
        'session_diff',
        'start_agent',
        'start_run',
        'wait_for_agent',
      ].sort(),
    );
    const create = tools.find((tool) => tool.name === 'create_session')!;
    expect(create.inputSchema).toMatchObject({
      type: 'object',
      required: ['name'],
      properties: { name: { type: 'string' }, goal: { type: 'string' }, base: { type: 'string' }, on: { type: 'string' } },
    });
    expect(tools.find((tool) => tool.name === 'end_session')!.annotations).toMatchObject({ destructiveHint: true });

    const created = await client.call('create_session', { name: 'checkout', goal: 'Add a checkout page' });
    expect(created.isError, created.text).toBe(false);
    expect(created.json).toMatchObject({
      id: 'checkout',
      branch: 'session/checkout',
      base: 'main',
      goals: ['Add a checkout page'],
      path: sessionDir('checkout'),
    });
    expect(git(sessionDir('checkout'), 'rev-parse', '--abbrev-ref', 'HEAD')).toBe('session/checkout');
    expect(git(project.main, 'rev-parse', 'session/checkout')).toBe(git(project.main, 'rev-parse', 'main'));

    const listed = await client.call('list_sessions');
    const status = parseJson(pwt(['status', '--json']).stdout);
    expect(listed.json.sessions.map((each: any) => each.id)).toEqual(['checkout']);
    expect({ ...listed.json, sessions: listed.json.sessions.map(({ age: _a, ...rest }: any) => rest) }).toEqual({
      ...status,
      sessions: status.sessions.map(({ age: _a, ...rest }: any) => rest),
    });
    expect(client.stderr()).toBe('');
  }, 60_000);

  it('refuses bad arguments and what pwt create refuses, with the CLI exit codes, changing nothing', async () => {
    project = makeProject();
    const client = await mcp();
    expect((await client.call('create_session', { name: 'taken' })).isError).toBe(false);
    const before = fingerprint(project);
    expectRefusal(await client.call('create_session', { name: 42 }), 2, /"name" must be a string/);
    expectRefusal(await client.call('create_session', {}), 2, /needs "name"/);
    expectRefusal(await client.call('create_session', { name: 'x', colour: 'red' }), 2, /no argument "colour"/);
    expectRefusal(await client.call('create_session', { name: '../escape' }), 2, /Invalid session name/);
    expectRefusal(await client.call('create_session', { name: 'x', base: 'main', on: 'taken' }), 2, /base or on, not both/);
    expectRefusal(await client.call('create_session', { name: 'x', on: 'nowhere' }), 3, /No session named "nowhere"/);
    expectRefusal(
      await client.call('create_session', { name: 'x', base: 'no-such-branch' }),
      pwt(['create', 'y', '--base', 'no-such-branch']).code,
      /no-such-branch/,
    );
    const again = await client.call('create_session', { name: 'taken' });
    expectRefusal(again, pwt(['create', 'taken']).code, /taken/);
    expectRefusal(await client.call('start_agent', { session: 'taken', provider: 'vim' }), 2, /"provider" takes claude, codex/);
    expectRefusal(
      await client.call('start_agent', { session: 'gone', provider: 'claude' }),
      3,
      /No session named "gone"|claude's CLI \(claude\) is not installed/,
    );
    expectRefusal(await client.call('send_to_agent', { session: 'taken', text: 'hi' }), 2, /taken has no agents/);
    expectRefusal(await client.call('wait_for_agent', { session: 'taken', for: 'done' }), 2, /"for" takes idle, waiting/);
    expectRefusal(await client.call('wait_for_agent', { session: 'taken', timeout_s: -1 }), 2, /"timeout_s" must be a whole number of at least 0/);
    expectRefusal(await client.call('wait_for_agent', { session: 'taken' }), 2, /taken has no agents/);
    expectRefusal(await client.call('read_transcript', { session: 'taken', max_chars: 10 }), 2, /at least 200/);
    expectRefusal(await client.call('read_transcript', { session: 'taken' }), 2, /taken has no agents/);
    expectRefusal(await client.call('session_diff', { session: 'nope' }), 3, /nope/);
    expectRefusal(await client.call('start_run', { run: 'r', agents: [] }), 2, /at least one agent/);
    expectRefusal(await client.call('start_run', { run: 'r', agents: 'claude' }), 2, /"agents" must be a list of strings/);
    expectRefusal(await client.call('start_run', { run: 'r', agents: ['vim'] }), 2, /vim/);
    expectRefusal(await client.call('compare_run', { run: 'nope' }), pwt(['run', 'compare', 'nope']).code, /nope/);
    expectRefusal(await client.call('pick_run', { run: 'nope', provider: 'claude' }), 3, /nope/);
    expectRefusal(await client.call('end_session', { session: 'taken', strategy: 'delete' }), 2, /"strategy" takes pr, merge, keep, abandon/);
    expectRefusal(await client.call('land', {}), 3, /Nothing to land/);
    expectRefusal(await client.call('land', { sessions: ['taken'], run: 'r' }), 2, /sessions or run, not both/);
    expectRefusal(await client.call('land', { sessions: ['taken'], check: 'true' }), 2, /runs only the check commands the user allowed/);
    expectRefusal(await client.call('run_command', { command: 'rm -rf /' }), 2, /no tool "run_command"/);
    expect(fingerprint(project)).toBe(before);
  }, 90_000);

  it('called from inside a session, create_session stacks on it; session_diff shows its changes', async () => {
    project = makeProject();
    expect(pwt(['create', 'parent']).code).toBe(0);
    commitFile(project.sandbox, sessionDir('parent'), 'parent.txt', 'parent work\n', 'parent work');
    writeFileSync(join(sessionDir('parent'), 'draft.txt'), 'not committed\n');
    const inside = await mcp({ cwd: sessionDir('parent') });
    const child = await inside.call('create_session', { name: 'child', goal: 'A sub-task' });
    expect(child.isError, child.text).toBe(false);
    expect(child.json).toMatchObject({ id: 'child', on: 'parent', base: 'session/parent' });
    expect(git(project.main, 'rev-parse', 'session/child')).toBe(git(project.main, 'rev-parse', 'session/parent'));
    expect(readFileSync(join(sessionDir('child'), 'parent.txt'), 'utf8')).toBe('parent work\n');
    // base says otherwise.
    expect((await inside.call('create_session', { name: 'fresh', base: 'main' })).json).toMatchObject({ base: 'main' });
    // From the main worktree, on stacks explicitly.
    const outside = await mcp();
    expect((await outside.call('create_session', { name: 'other', on: 'parent' })).json).toMatchObject({ on: 'parent', base: 'session/parent' });

    const diff = await outside.call('session_diff', { session: 'parent' });
    expect(diff.isError, diff.text).toBe(false);
    expect(diff.json).toMatchObject({ session: 'parent', base: 'main' });
    expect(diff.json.diff).toContain('+parent work');
    expect(diff.json.diff).toContain('+not committed');
    const stat = await outside.call('session_diff', { session: 'parent', stat: true });
    expect(stat.json.diff).toMatch(/2 files changed, 2 insertions/);
  }, 90_000);

  it('compare_run compares a run; it runs a check only when the user allowed that exact command', async () => {
    project = makeProject();
    withRun({
      claude: [['a.txt', 'a\n']],
      codex: [
        ['b.txt', 'b\n'],
        ['c.txt', 'c\n'],
      ],
    });
    const plain = await mcp();
    const compared = await plain.call('compare_run', { run: 'fix' });
    expect(compared.isError, compared.text).toBe(false);
    expect(compared.json.agents.map((agent: any) => [agent.provider, agent.commits.length, agent.merge])).toEqual([
      ['claude', 1, 'clean'],
      ['codex', 2, 'clean'],
    ]);
    expect(compared.json).toEqual(parseJson(pwt(['run', 'compare', 'fix', '--json']).stdout));
    const marker = join(project.sandbox.root, 'check-ran');
    expectRefusal(await plain.call('compare_run', { run: 'fix', check: `touch ${marker}` }), 2, /runs only the check commands the user allowed/);
    expect(existsSync(marker)).toBe(false);

    const allowed = await mcp({ args: ['--check', 'test -f a.txt'] });
    expectRefusal(await allowed.call('compare_run', { run: 'fix', check: 'test -f a.txt; true' }), 2, /"test -f a.txt"/);
    const progress: string[] = [];
    const checked = await allowed.call('compare_run', { run: 'fix', check: 'test -f a.txt' }, (message) => progress.push(message));
    expect(checked.json.agents.map((agent: any) => [agent.provider, agent.check.exitCode])).toEqual([
      ['claude', 0],
      ['codex', 1],
    ]);
    // The server sends each progress line before the result; the SDK's client handles a notification a microtask
    // later than a response that came in the same read, so it may drop the last line. The first always arrives.
    const expected = ['Running test -f a.txt in fix-claude...', 'Running test -f a.txt in fix-codex...'];
    expect(progress.length).toBeGreaterThanOrEqual(1);
    expect(progress).toEqual(expected.slice(0, progress.length));
  }, 90_000);

  it('end_session asks the user: refused when the client cannot ask, cancelled on no, done on yes or with --allow-end', async () => {
    project = makeProject();
    for (const name of ['one', 'two', 'three']) expect(pwt(['create', name]).code).toBe(0);
    commitFile(project.sandbox, sessionDir('one'), 'one.txt', 'one\n', 'one');
    const before = fingerprint(project);

    const cannotAsk = await mcp();
    expectRefusal(await cannotAsk.call('end_session', { session: 'one', strategy: 'merge' }), 3, /needs their yes, but this MCP client cannot ask them/);
    expectRefusal(await cannotAsk.call('pick_run', { run: 'nope', provider: 'claude' }), 3, /nope/);
    expect(fingerprint(project)).toBe(before);

    const declines = await mcp({ elicit: no });
    expectRefusal(await declines.call('end_session', { session: 'one', strategy: 'merge' }), 130, /said no/);
    expect(declines.asked).toEqual(['End session one with merge: merge session/one into main and delete the branch. Go ahead?']);
    expect(fingerprint(project)).toBe(before);

    const agrees = await mcp({ elicit: yes });
    const progress: string[] = [];
    const merged = await agrees.call('end_session', { session: 'one', strategy: 'merge' }, (message) => progress.push(message));
    expect(merged.isError, merged.text).toBe(false);
    expect(merged.json).toMatchObject({ session: 'one', strategy: 'merge' });
    expect(merged.json.actions.map((action: any) => action.op)).toContain('merge');
    expect(progress.length).toBeGreaterThan(0);
    expect(git(project.main, 'show', 'main:one.txt')).toBe('one');
    expect(existsSync(sessionDir('one'))).toBe(false);

    const allowEnd = await mcp({ args: ['--allow-end'] });
    const kept = await allowEnd.call('end_session', { session: 'two', strategy: 'keep' });
    expect(kept.isError, kept.text).toBe(false);
    expect(existsSync(sessionDir('two'))).toBe(false);
    expect(git(project.main, 'rev-parse', '--verify', 'session/two')).toMatch(/^[0-9a-f]{40}$/);
    // The same refusals as pwt remove: abandon with uncommitted work needs --force on the CLI.
    writeFileSync(join(sessionDir('three'), 'draft.txt'), 'unsaved\n');
    const cli = pwt(['remove', 'three', '--strategy', 'abandon', '--yes']);
    const refused = await allowEnd.call('end_session', { session: 'three', strategy: 'abandon' });
    expect(refused.isError).toBe(cli.code !== 0);
    if (cli.code !== 0) expect(refused.json.exitCode).toBe(cli.code);
    expect(sessionIds(project)).toEqual(cli.code === 0 ? [] : ['three']);
  }, 120_000);

  it('pick_run asks the user with what it will do, then merges the pick and archives the others', async () => {
    project = makeProject();
    withRun({ claude: [['claude.txt', 'c\n']], codex: [['codex.txt', 'x\n']] });
    const before = fingerprint(project);
    const declines = await mcp({ elicit: no });
    expectRefusal(await declines.call('pick_run', { run: 'fix', provider: 'codex' }), 130, /Cancelled; nothing was changed/);
    expect(declines.asked).toEqual([expect.stringMatching(/^Pick codex in run fix: end fix-codex with merge, abandon fix-claude \(archived.*Go ahead\?$/)]);
    expect(fingerprint(project)).toBe(before);
    expectRefusal(await (await mcp()).call('pick_run', { run: 'fix', provider: 'codex' }), 3, /Picking codex in run fix changes the user's branches/);
    expect(fingerprint(project)).toBe(before);

    const agrees = await mcp({ elicit: yes });
    const picked = await agrees.call('pick_run', { run: 'fix', provider: 'codex' });
    expect(picked.isError, picked.text).toBe(false);
    expect(picked.json.picked).toMatchObject({ session: 'fix-codex', strategy: 'merge' });
    expect(picked.json.abandoned.map((each: any) => [each.session, each.strategy])).toEqual([['fix-claude', 'abandon']]);
    expect(git(project.main, 'show', 'main:codex.txt')).toBe('x');
    expect(sessionIds(project)).toEqual([]);
    expect(git(project.main, 'for-each-ref', '--format=%(refname)', 'refs/pwt/archive/')).toMatch(/refs\/pwt\/archive\/fix-claude\//);
  }, 120_000);

  it('land asks the user what would land, then lands the queue on main with an allowed check', async () => {
    project = makeProject();
    for (const name of ['a', 'b']) {
      expect(pwt(['create', name]).code).toBe(0);
      commitFile(project.sandbox, sessionDir(name), `${name}.txt`, `${name}\n`, `work ${name}`);
    }
    const before = fingerprint(project);
    expectRefusal(
      await (await mcp()).call('land', { sessions: ['a', 'b'] }),
      3,
      /Landing changes the user's branches and needs their yes, but this MCP client cannot ask/,
    );
    const declines = await mcp({ elicit: no });
    expectRefusal(await declines.call('land', { sessions: ['a', 'b'] }), 130, /said no: nothing landed/);
    expect(declines.asked).toEqual([expect.stringMatching(/^Land a, b on main, each checked on the merge result with: .*Go ahead\?$/)]);
    expect(fingerprint(project)).toBe(before);

    const agrees = await mcp({ elicit: yes, args: ['--check', 'test -f a.txt'] });
    const landed = await agrees.call('land', { sessions: ['a', 'b'], check: 'test -f a.txt' });
    expect(landed.isError, landed.text).toBe(false);
    expect(landed.json).toMatchObject({ base: 'main', check: expect.stringContaining('test -f a.txt'), checks: expect.any(Number) });
    expect(landed.json.landed.map((each: any) => each.session)).toEqual(['a', 'b']);
    expect(git(project.main, 'show', 'main:a.txt')).toBe('a');
    expect(git(project.main, 'show', 'main:b.txt')).toBe('b');
    expect(sessionIds(project)).toEqual([]);
  }, 120_000);

  it('two clients at once: the manifest lock holds (every session registered once, one name made once)', async () => {
    project = makeProject();
    const [a, b] = await Promise.all([mcp(), mcp()]);
    const names = (prefix: string) => Array.from({ length: 4 }, (_, index) => `${prefix}${index}`);
    const results = await Promise.all([
      ...names('a').map((name) => a.call('create_session', { name })),
      ...names('b').map((name) => b.call('create_session', { name })),
      a.call('create_session', { name: 'same' }),
      b.call('create_session', { name: 'same' }),
    ]);
    const failed = results.filter((result) => result.isError);
    expect(failed.map((result) => result.json.exitCode)).toEqual([failed[0]?.json.exitCode].filter(() => failed.length === 1));
    expect(failed).toHaveLength(1);
    expect(sessionIds(project).sort()).toEqual([...names('a'), ...names('b'), 'same'].sort());
    for (const name of sessionIds(project)) expect(git(sessionDir(name), 'rev-parse', '--abbrev-ref', 'HEAD')).toBe(`session/${name}`);
    expect(git(project.main, 'worktree', 'list').split('\n')).toHaveLength(10);
  }, 120_000);

  it('a client that goes away mid-call leaves a whole session or none, and the server ends', async () => {
    project = makeProject();
    for (const name of ['gone1', 'gone2', 'gone3']) {
      const client = await mcp();
      const pid = client.transport.pid;
      // The request is written, then the client disconnects (stdin closes) without waiting for the answer.
      void client.call('create_session', { name }).catch(() => undefined);
      await new Promise((done) => setTimeout(done, name === 'gone1' ? 0 : name === 'gone2' ? 150 : 400));
      await client.close();
      await waitGone(pid!);
      const registered = sessionIds(project).includes(name);
      const branch = project.sandbox.sh('git', ['rev-parse', '--verify', '--quiet', `refs/heads/session/${name}`], project.main).code === 0;
      expect({ name, worktree: existsSync(sessionDir(name)), branch }).toEqual({ name, worktree: registered, branch: registered });
      expect(git(project.main, 'worktree', 'list').split('\n')).toHaveLength(1 + sessionIds(project).length);
    }
    expect(manifest(project) === null || Array.isArray(manifest(project).sessions)).toBe(true);
  }, 120_000);
});

async function waitGone(pid: number): Promise<void> {
  const deadline = Date.now() + 30_000;
  for (;;) {
    try {
      process.kill(pid, 0);
    } catch {
      return;
    }
    if (Date.now() > deadline) throw new Error(`pwt mcp (pid ${pid}) did not end after its client left`);
    await new Promise((done) => setTimeout(done, 50));
  }
}
