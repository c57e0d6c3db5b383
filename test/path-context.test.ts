import { afterEach, describe, expect, it } from 'vitest';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { makeProject, parseJson, type Project } from './helpers/sandbox.js';

let project: Project;
afterEach(() => project?.sandbox.cleanup(), 60_000);

describe('pwt path', () => {
  it('prints the main worktree or a session path, from anywhere in the project', () => {
    project = makeProject();
    const { sandbox, main, sessionsDir } = project;
    expect(sandbox.pwt(main, ['create', 'p1']).code).toBe(0);
    const session = join(sessionsDir, 'p1');
    mkdirSync(join(session, 'deep', 'er'), { recursive: true });
    expect(sandbox.pwt(main, ['path']).stdout).toBe(`${main}\n`);
    expect(sandbox.pwt(main, ['path', 'p1']).stdout).toBe(`${session}\n`);
    expect(sandbox.pwt(join(session, 'deep', 'er'), ['path']).stdout).toBe(`${main}\n`);
    expect(sandbox.pwt(join(session, 'deep'), ['path', 'p1']).stdout).toBe(`${session}\n`);
  }, 60_000);

  it('exits 3 for an unknown session or a missing worktree', () => {
    project = makeProject();
    const { sandbox, main, sessionsDir } = project;
    const unknown = sandbox.pwt(main, ['path', 'nope']);
    expect(unknown.code).toBe(3);
    expect(unknown.stdout).toBe('');
    expect(unknown.stderr).toMatch(/No session named "nope".*pwt status/);
    expect(sandbox.pwt(main, ['create', 'gone']).code).toBe(0);
    rmSync(join(sessionsDir, 'gone'), { recursive: true });
    const gone = sandbox.pwt(main, ['path', 'gone']);
    expect(gone.code).toBe(3);
    expect(gone.stderr).toMatch(/gone.*pwt cleanup/);
  }, 60_000);

  it('honours PWT_SESSIONS_DIR and .pwt.json sessionsDir, and rejects bad config', () => {
    project = makeProject();
    const { sandbox, main, root } = { ...project, root: project.sandbox.root };
    const custom = join(root, 'elsewhere');
    expect(sandbox.pwt(main, ['create', 'e1'], { PWT_SESSIONS_DIR: custom }).code).toBe(0);
    expect(sandbox.pwt(main, ['path', 'e1'], { PWT_SESSIONS_DIR: custom }).stdout).toBe(`${join(custom, 'e1')}\n`);

    writeFileSync(join(main, '.pwt.json'), JSON.stringify({ sessionsDir: '../cfg-sessions', branchPrefix: 'agent' }));
    expect(sandbox.pwt(main, ['create', 'c1', '--allow-dirty']).code).toBe(0);
    expect(sandbox.pwt(main, ['path', 'c1']).stdout).toBe(`${join(root, 'cfg-sessions', 'c1')}\n`);
    expect(sandbox.git(join(root, 'cfg-sessions', 'c1'), 'rev-parse', '--abbrev-ref', 'HEAD').trim()).toBe('agent/c1');

    const bad: [string, RegExp][] = [
      ['{not json', /\.pwt\.json is not valid JSON/],
      ['[]', /must hold a JSON object/],
      ['{"envFiles": ".env"}', /"envFiles" must be an array/],
      ['{"protectBase": "yes"}', /"protectBase" must be true or false/],
      ['{"defaultAgent": "eliza"}', /"defaultAgent" must be one of/],
      ['{"sessionsDir": "sub"}', /points inside the main worktree/],
    ];
    for (const [text, message] of bad) {
      writeFileSync(join(main, '.pwt.json'), text);
      // A command that changes things needs the config: exit 3, one line.
      const result = sandbox.pwt(main, ['create', 'c2', '--allow-dirty']);
      expect(result.code, text).toBe(3);
      expect(result.stderr).toMatch(message);
      expect(result.stderr.trim().split('\n')).toHaveLength(1);
      // `pwt status` only reads: one warning, and it goes on.
      const status = sandbox.pwt(main, ['status']);
      expect(status.code, text).toBe(0);
      expect(status.stderr).toMatch(message);
      expect(status.stderr.trim().split('\n')).toHaveLength(1);
    }
    rmSync(join(main, '.pwt.json'));
    const empty = sandbox.pwt(main, ['status'], { PWT_SESSIONS_DIR: '' });
    expect(empty.code).toBe(3);
    expect(empty.stderr).toMatch(/PWT_SESSIONS_DIR is set but empty/);
  }, 60_000);
});

describe('pwt context', () => {
  it('says main, session (with its record) or none', () => {
    project = makeProject();
    const { sandbox, main, sessionsDir } = project;
    expect(sandbox.pwt(main, ['create', 'ctx', '--goal', 'know where I am']).code).toBe(0);
    expect(parseJson(sandbox.pwt(main, ['context', '--json']).stdout)).toEqual({ kind: 'main', project: 'app', path: main, branch: 'main' });

    const session = parseJson(sandbox.pwt(join(sessionsDir, 'ctx'), ['context', '--json']).stdout);
    expect(session).toMatchObject({ kind: 'session', project: 'app', path: join(sessionsDir, 'ctx'), branch: 'session/ctx' });
    expect(session.session).toMatchObject({ id: 'ctx', goals: ['know where I am'], path: join(sessionsDir, 'ctx') });

    const outside = join(project.sandbox.root, 'nowhere');
    mkdirSync(outside);
    expect(parseJson(sandbox.pwt(outside, ['context', '--json']).stdout)).toEqual({ kind: 'none' });
    expect(sandbox.pwt(join(sessionsDir, 'ctx'), ['context']).stdout).toMatch(/session ctx .*\ngoal: know where I am/s);
  }, 60_000);
});
