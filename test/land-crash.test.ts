import { afterEach, describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { CLI, NODE } from './helpers/sandbox.js';
import { feature, lines, mainHistory, makeShop, sessionWith, type Shop } from './land-harness.js';
import { manifest } from './remove-harness.js';

/**
 * `pwt land` cut with SIGKILL before each of its file changes
 * (PWT_FAULT=kill-before-change:K: the queue's state, the manifest, the
 * archive...), for every K until a run goes through. After each cut, git
 * shows main unchanged or at a commit the check passed; then `pwt land`
 * again finishes: both sessions landed and ended, main moved once.
 */
const MAX_CUTS = 60;
let shop: Shop | undefined;
afterEach(() => shop?.sandbox.cleanup(), 60_000);

function land(s: Shop, env: NodeJS.ProcessEnv = {}) {
  const result = spawnSync(NODE, [CLI, 'land', 'a', 'b', '--check', s.check], { cwd: s.main, env: { ...s.sandbox.env, ...env }, encoding: 'utf8' });
  return { code: result.status, signal: result.signal, stderr: result.stderr ?? '' };
}

describe('pwt land, killed before each file change', () => {
  it('leaves main unchanged or at a tested commit, and the next pwt land finishes the job', () => {
    let through = false;
    let cuts = 0;
    for (let k = 1; k <= MAX_CUTS && !through; k++) {
      shop = makeShop();
      const s = shop;
      sessionWith(s, 'a', { 'features/a.js': feature(true) });
      sessionWith(s, 'b', { 'features/b.js': feature(true) });
      const from = s.sandbox.git(s.main, 'rev-parse', 'main').trim();
      const before = mainHistory(s).length;
      const cut = land(s, { PWT_FAULT: `kill-before-change:${k}` });
      through = cut.signal === null;
      if (!through) cuts++;
      const at = s.sandbox.git(s.main, 'rev-parse', 'main').trim();
      if (!through) expect(at === from || lines(s.passed).includes(at), `cut ${k}: main at ${at}, neither unchanged nor tested`).toBe(true);
      else expect(cut.code, `cut ${k}: ${cut.stderr}`).toBe(0);

      const again = land(s);
      expect(again.code, `after cut ${k}: ${again.stderr}`).toBe(0);
      const now = s.sandbox.git(s.main, 'rev-parse', 'main').trim();
      expect(lines(s.passed), `after cut ${k}`).toContain(now);
      expect(mainHistory(s).length, `after cut ${k}: main moved more than once`).toBe(before + 1);
      expect(manifest(s).sessions, `after cut ${k}`).toEqual([]);
      for (const name of ['a', 'b']) {
        expect(existsSync(join(s.main, 'features', `${name}.js`)), `after cut ${k}`).toBe(true);
        expect(
          s.sandbox.sh('git', ['show-ref', '--verify', '--quiet', `refs/heads/session/${name}`], s.main).code,
          `after cut ${k}: session/${name} left`,
        ).toBe(1);
        expect(existsSync(join(s.sessionsDir, name)), `after cut ${k}: worktree ${name} left`).toBe(false);
      }
      expect(existsSync(join(s.sessionsDir, '.pwt', 'queue', 'state.json')), `after cut ${k}`).toBe(false);
      s.sandbox.cleanup();
      shop = undefined;
    }
    expect(through, `still cut after ${MAX_CUTS} file changes`).toBe(true);
    // The queue's state, the base's move, each ending's manifest and archive changes: many places to be cut.
    expect(cuts).toBeGreaterThan(5);
    expect(cuts).toBeLessThan(MAX_CUTS);
  }, 900_000);
});
