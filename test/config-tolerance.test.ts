import { afterEach, describe, expect, it } from 'vitest';
import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { jsonErrorAt, nearest, CONFIG_KEYS } from '../src/core/project/config.js';
import { CLI, NODE, makeProject, parseJson, type Project } from './helpers/sandbox.js';

/** A `.pwt.json` with a typo or a broken part: read-only commands go on, others name the field. */
let project: Project;
afterEach(() => project?.sandbox.cleanup(), 60_000);

const writeConfig = (text: string) => writeFileSync(join(project.main, '.pwt.json'), text);

describe('.pwt.json with a typo or a broken part', () => {
  it('a typo\'d top-level key ("hoks") warns with the nearest known key, on every command', () => {
    project = makeProject();
    writeConfig(JSON.stringify({ hoks: { 'pre-merge': 'npm test' } }));
    for (const args of [['status'], ['create', 's1', '--allow-dirty'], ['path', 's1']]) {
      const result = project.sandbox.pwt(project.main, args);
      expect(result.code, args.join(' ')).toBe(0);
      expect(result.stderr).toMatch(/unknown key "hoks" \(ignored\); did you mean "hooks"\?/);
      expect(result.stderr.match(/hoks/g)).toHaveLength(1);
    }
    const doctor = project.sandbox.pwt(project.main, ['doctor', '--json']);
    expect(parseJson(doctor.stdout).checks).toContainEqual(
      expect.objectContaining({ name: 'config', level: 'warn', detail: expect.stringMatching(/did you mean "hooks"/) }),
    );
  }, 60_000);

  it('a broken .pwt.json never blocks status, path, context, diff, doctor or pcd; create exits 3 naming the field', () => {
    project = makeProject();
    expect(project.sandbox.pwt(project.main, ['create', 's1']).code).toBe(0);
    const session = join(project.sessionsDir, 's1');
    writeConfig('{ "hooks": { "pre-merge": 42 }, "remote": "origin" }\n');
    for (const [cwd, args] of [
      [project.main, ['status']],
      [project.main, ['path', 's1']],
      [session, ['context', '--json']],
      [project.main, ['diff', 's1']],
      [session, ['status', '--json']],
    ] as const) {
      const result = project.sandbox.pwt(cwd, [...args]);
      expect(result.code, `${args.join(' ')}: ${result.stderr}`).toBe(0);
      expect(result.stderr, args.join(' ')).toMatch(/"hooks\.pre-merge" must be a command line.*Going on with the default for "hooks"/);
      expect(result.stderr.match(/Going on/g), args.join(' ')).toHaveLength(1);
    }
    expect(project.sandbox.pwt(project.main, ['path', 's1']).stdout).toBe(`${session}\n`);
    const bin = join(project.sandbox.root, 'bin');
    mkdirSync(bin);
    symlinkSync(CLI, join(bin, 'pwt'));
    const pcd = project.sandbox.sh('bash', ['--norc', '--noprofile', '-c', 'eval "$(pwt shell-init bash)"; pcd s1 && pwd'], project.main, {
      PATH: `${bin}:${dirname(NODE)}:${project.sandbox.env.PATH}`,
    });
    expect(pcd.stdout.trim().split('\n').pop()).toBe(session);
    expect(pcd.stderr).toMatch(/Going on with the default for "hooks"/);
    const doctor = project.sandbox.pwt(project.main, ['doctor', '--json']);
    const checks = parseJson(doctor.stdout).checks as { name: string; level: string; detail: string }[];
    expect(checks).toContainEqual(expect.objectContaining({ name: 'config', level: 'fail', detail: expect.stringMatching(/hooks\.pre-merge/) }));
    expect(checks.map((check) => check.name)).toContain('manifest');

    const create = project.sandbox.pwt(project.main, ['create', 's2']);
    expect(create.code).toBe(3);
    expect(create.stderr).toMatch(/"hooks\.pre-merge" must be/);
    expect(project.sandbox.git(project.main, 'branch', '--list', 'session/s2')).toBe('');
    const remove = project.sandbox.pwt(project.main, ['remove', 's1', '--strategy', 'abandon', '--yes']);
    expect(remove.code).toBe(3);
    expect(remove.stderr).toMatch(/"hooks\.pre-merge"/);
    expect(project.sandbox.git(project.main, 'branch', '--list', 'session/s1')).toContain('session/s1');
  }, 60_000);

  it('invalid .pwt.json is reported by line and column, not by position', () => {
    project = makeProject();
    writeConfig('{\n  "remote": "origin",\n  "copy": ["node_modules",]\n}\n');
    const result = project.sandbox.pwt(project.main, ['create', 's1']);
    expect(result.code).toBe(3);
    expect(result.stderr).toMatch(/\.pwt\.json is not valid JSON \(line 3, column 27: a comma before "\]"\)/);
    expect(result.stderr).not.toMatch(/position/);
    const status = project.sandbox.pwt(project.main, ['status']);
    expect(status.code).toBe(0);
    expect(status.stderr).toMatch(/line 3, column 27.*Going on with the defaults/);
  }, 60_000);
});

describe('jsonErrorAt and nearest', () => {
  it('finds where JSON stops being JSON', () => {
    expect(jsonErrorAt('{"a": tru}')).toMatchObject({ line: 1, column: 10 });
    expect(jsonErrorAt('{\n  "a": 1\n  "b": 2\n}')).toMatchObject({ line: 3, column: 3, what: expect.stringMatching(/where "," or "}" should be/) });
    expect(jsonErrorAt('{\n  "a": 1,\n')).toMatchObject({ line: 3, column: 1, what: expect.stringMatching(/the file ends/) });
    expect(jsonErrorAt('{} x')).toMatchObject({ line: 1, column: 4 });
  });

  it('names the nearest known key, or none when nothing is close', () => {
    expect(nearest('hoks', CONFIG_KEYS)).toBe('hooks');
    expect(nearest('sessiondir', CONFIG_KEYS)).toBe('sessionsDir');
    expect(nearest('protect_base', CONFIG_KEYS)).toBe('protectBase');
    expect(nearest('zzzzzz', CONFIG_KEYS)).toBeNull();
  });
});
