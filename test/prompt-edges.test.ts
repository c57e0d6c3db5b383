import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { commitFile, makeProject, type Project } from './helpers/sandbox.js';
import { fingerprint, TmuxPwt } from './remove-harness.js';

/** The edges of pwt remove's prompts at a real terminal (tmux): Enter on the default, Ctrl-D. */
let project: Project;
let term: TmuxPwt | undefined;
afterEach(() => {
  term?.kill();
  term = undefined;
  project?.sandbox.cleanup();
}, 60_000);

function withDirtySession(): string {
  project = makeProject();
  const created = project.sandbox.pwt(project.main, ['create', 'feat', '--goal', 'Add feature']);
  expect(created.code, created.stderr).toBe(0);
  const session = join(project.sessionsDir, 'feat');
  commitFile(project.sandbox, session, 'feature.txt', 'feature\n');
  writeFileSync(join(session, 'new.txt'), 'new\n');
  return session;
}

describe('pwt remove prompts', () => {
  it('Enter on the commit message prompt commits with the offered default, never "undefined"', async () => {
    withDirtySession();
    term = new TmuxPwt(project.sandbox, project.main, ['rm', 'feat', '--strategy', 'keep']);
    await term.waitFor(/What now\?[\s\S]*● commit them/);
    term.keys(['Enter']);
    await term.waitFor(/Commit message:/);
    term.keys(['Enter']);
    const { code, screen } = await term.exit();
    expect(code, screen).toBe(0);
    expect(project.sandbox.git(project.main, 'log', '-1', '--format=%s', 'session/feat').trim()).toBe('wip: feat');
  }, 60_000);

  for (const where of ['the strategy', 'the commit message']) {
    it(`Ctrl-D at ${where} prompt is exit 130, "cancelled, nothing changed"`, async () => {
      withDirtySession();
      const before = fingerprint(project);
      term = new TmuxPwt(project.sandbox, project.main, where === 'the strategy' ? ['rm', 'feat'] : ['rm', 'feat', '--strategy', 'keep']);
      if (where === 'the strategy') {
        await term.waitFor(/How do you want to end feat\?/);
      } else {
        await term.waitFor(/What now\?[\s\S]*● commit them/);
        term.keys(['Enter']);
        await term.waitFor(/Commit message:/);
      }
      term.keys(['C-d']);
      const { code, screen } = await term.exit();
      expect(screen).toMatch(/[Cc]ancelled.*nothing (was )?changed/);
      expect(code, screen).toBe(130);
      expect(fingerprint(project)).toBe(before);
    }, 60_000);
  }
});
