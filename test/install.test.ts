import { afterEach, describe, expect, it } from 'vitest';
import { resolve } from 'node:path';
import { makeProject, type Project } from './helpers/sandbox.js';

let project: Project;
afterEach(() => project?.sandbox.cleanup());

describe('a global install (npm install -g .)', () => {
  it('puts a working pwt on PATH', () => {
    project = makeProject();
    const { sandbox, main } = project;
    const prefix = resolve(sandbox.root, 'global');
    const install = sandbox.sh('npm', ['install', '--global', '--prefix', prefix, '--no-audit', '--no-fund', resolve(import.meta.dirname, '..')], sandbox.root);
    expect(install.code, install.stderr).toBe(0);
    const env = { PATH: `${prefix}/bin:${sandbox.env.PATH}` };
    const created = sandbox.sh('pwt', ['create', 'g1', '--json'], main, env);
    expect(created.code, created.stderr).toBe(0);
    expect(sandbox.sh('pwt', ['path', 'g1'], main, env).stdout).toBe(`${resolve(project.sessionsDir, 'g1')}\n`);
    expect(sandbox.sh('pwt', ['status'], main, env).stdout).toMatch(/g1\s+session\/g1/);
  });
});
