import { afterEach, describe, expect, it } from 'vitest';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseJson } from './helpers/sandbox.js';
import { feature, lines, mainHistory, makeShop, sessionWith, type Shop } from './land-harness.js';
import { manifest, TmuxPwt } from './remove-harness.js';

let shop: Shop;
afterEach(() => shop?.sandbox.cleanup(), 60_000);

const rev = (s: Shop, ref: string) => s.sandbox.git(s.main, 'rev-parse', ref).trim();
const branchExists = (s: Shop, branch: string) => s.sandbox.sh('git', ['show-ref', '--verify', '--quiet', `refs/heads/${branch}`], s.main).code === 0;

/** Every commit main pointed at since `since` (reflog entries) passed the check. */
function expectMainOnlyOnPassed(s: Shop, before: number): void {
  const moved = mainHistory(s).slice(0, -before || undefined);
  const passed = new Set(lines(s.passed));
  for (const commit of moved) expect(passed.has(commit), `main pointed at ${commit}, which no check passed`).toBe(true);
}

describe('pwt land', () => {
  it('lands several sessions with one check; main moves once, to the commit the check passed; the sessions end', () => {
    shop = makeShop();
    const { sandbox, main } = shop;
    sessionWith(shop, 'a', { 'features/a.js': feature(true) });
    sessionWith(shop, 'b', { 'features/b.js': feature(true) });
    sessionWith(shop, 'c', { 'features/c.js': feature(true) });
    const before = mainHistory(shop).length;
    const from = rev(shop, 'main');
    const result = sandbox.pwt(main, ['land', '--check', shop.check, '--json']);
    expect(result.code, result.stderr).toBe(0);
    const report = parseJson(result.stdout);
    expect(report).toMatchObject({ base: 'main', from, to: rev(shop, 'main'), ejected: [], checks: 1 });
    expect(report.landed.map((each: any) => each.session)).toEqual(['a', 'b', 'c']);
    expect(mainHistory(shop).length).toBe(before + 1);
    expect(lines(shop.tested)).toEqual([report.to]);
    expectMainOnlyOnPassed(shop, before);
    for (const name of ['a', 'b', 'c']) {
      expect(existsSync(join(main, 'features', `${name}.js`))).toBe(true);
      expect(branchExists(shop, `session/${name}`)).toBe(false);
    }
    expect(manifest(shop).sessions).toEqual([]);
    // The check worktree and the queue's state are gone; the record of what was tested stays.
    const landing = join(shop.sessionsDir, '.pwt', 'land');
    expect(existsSync(landing) ? readdirSync(landing) : []).toEqual([]);
    expect(sandbox.git(main, 'worktree', 'list').trim().split('\n')).toHaveLength(1);
    expect(existsSync(join(shop.sessionsDir, '.pwt', 'queue', 'state.json'))).toBe(false);
    const record = lines(join(shop.sessionsDir, '.pwt', 'queue', 'checks.jsonl')).map((line) => JSON.parse(line));
    expect(record).toMatchObject([{ commit: report.to, ok: true, sessions: ['a', 'b', 'c'] }]);
    expect(sandbox.git(main, 'status', '--porcelain')).toBe('');
  }, 120_000);

  it("the pre-merge hook is the check by default, run once on the merge result; landed sessions end through remove's hooks (pre-remove, post-remove)", () => {
    shop = makeShop();
    const { sandbox, main } = shop;
    const ended = join(sandbox.root, 'ended.txt');
    const hooks = { 'pre-merge': shop.check, 'pre-remove': `echo "pre $PWT_SESSION" >> '${ended}'`, 'post-remove': `echo "post $PWT_SESSION" >> '${ended}'` };
    writeFileSync(join(main, '.pwt.json'), `${JSON.stringify({ hooks }, null, 2)}\n`);
    sandbox.git(main, 'add', '.pwt.json');
    sandbox.git(main, 'commit', '--quiet', '-m', 'hooks');
    sessionWith(shop, 'a', { 'features/a.js': feature(true) });
    sessionWith(shop, 'b', { 'features/b.js': feature(true) });
    const unapproved = sandbox.pwt(main, ['land']);
    expect(unapproved.code).toBe(3);
    expect(unapproved.stderr).toContain('--trust-hooks');
    expect(lines(shop.tested)).toEqual([]);
    const result = sandbox.pwt(main, ['land', '--trust-hooks', '--json']);
    expect(result.code, result.stderr).toBe(0);
    const report = parseJson(result.stdout);
    expect(report.checks).toBe(1);
    expect(lines(shop.tested)).toEqual([report.to]);
    expect(lines(ended)).toEqual(['pre a', 'post a', 'pre b', 'post b']);
    expect(manifest(shop).sessions).toEqual([]);
  }, 120_000);

  it("--squash lands each session as one commit on the base; the branches' own commits are archived", () => {
    shop = makeShop();
    const { sandbox, main } = shop;
    const aTip = sandbox.git(sessionWith(shop, 'a', { 'features/a.js': feature(true) }), 'rev-parse', 'HEAD').trim();
    sessionWith(shop, 'b', { 'features/b.js': feature(true) });
    const from = rev(shop, 'main');
    const result = sandbox.pwt(main, ['land', '--squash', '--check', shop.check, '--json']);
    expect(result.code, result.stderr).toBe(0);
    expect(
      sandbox
        .git(main, 'rev-list', '--parents', `${from}..main`)
        .trim()
        .split('\n')
        .map((line) => line.split(' ').length),
    ).toEqual([2, 2]);
    expect(sandbox.git(main, 'log', '--format=%s', `${from}..main`).trim().split('\n')).toEqual(['b: work on b', 'a: work on a']);
    const archived = sandbox.git(main, 'for-each-ref', '--format=%(objectname)', 'refs/pwt/archive/a/').trim();
    expect(sandbox.sh('git', ['merge-base', '--is-ancestor', aTip, archived], main).code).toBe(0);
    expect(branchExists(shop, 'session/a')).toBe(false);
  }, 120_000);

  it('a red merge result is bisected: only the culprit is ejected (it keeps every commit), the rest land on a tested commit', () => {
    shop = makeShop();
    const { sandbox, main } = shop;
    // Each passes alone; together a new cart (5 items) exceeds the lowered limit (4).
    sessionWith(shop, 'limit', { 'limits.js': 'module.exports = { MAX_ITEMS: 4 };\n' });
    const cartPath = sessionWith(shop, 'cart', { 'cart.js': 'module.exports = { defaultItems: 5 };\n' });
    sessionWith(shop, 'c', { 'features/c.js': feature(true) });
    sessionWith(shop, 'd', { 'features/d.js': feature(true) });
    const cartTip = sandbox.git(cartPath, 'rev-parse', 'HEAD').trim();
    const before = mainHistory(shop).length;
    const result = sandbox.pwt(main, ['land', 'limit', 'cart', 'c', 'd', '--check', shop.check, '--json']);
    expect(result.code, result.stderr).toBe(4);
    expect(result.stderr).toContain('did not land: cart');
    const report = parseJson(result.stdout);
    expect(report.landed.map((each: any) => each.session)).toEqual(['limit', 'c', 'd']);
    expect(report.ejected).toMatchObject([{ session: 'cart', reason: 'check' }]);
    expect(readFileSync(report.ejected[0].log, 'utf8')).toContain('more than MAX_ITEMS (4)');
    // limit+cart+c+d red, limit+cart red, limit green, limit+c+d green.
    expect(report.checks).toBe(4);
    expect(rev(shop, 'main')).toBe(report.to);
    expectMainOnlyOnPassed(shop, before);
    expect(mainHistory(shop).length).toBe(before + 1);
    // The ejected session stays whole, and status says why.
    expect(sandbox.git(cartPath, 'rev-parse', 'HEAD').trim()).toBe(cartTip);
    expect(rev(shop, 'session/cart')).toBe(cartTip);
    expect(sandbox.sh('git', ['merge-base', '--is-ancestor', cartTip, 'main'], main).code).toBe(1);
    const status = parseJson(sandbox.pwt(main, ['status', '--json']).stdout);
    const cart = status.sessions.find((each: any) => each.id === 'cart');
    expect(cart.notes).toEqual([expect.objectContaining({ kind: 'land-failed' })]);
    expect(cart.notes[0].detail).toContain('the check failed on the merge result');
    expect(status.sessions.map((each: any) => each.id)).toEqual(['cart']);
    expect(status.orphans).toEqual([]);
  }, 180_000);

  it('a candidate that conflicts with the queue is ejected with its files; nothing of it lands', () => {
    shop = makeShop();
    const { sandbox, main } = shop;
    sessionWith(shop, 'one', { 'README.md': '# shop, by one\n' });
    const two = sessionWith(shop, 'two', { 'README.md': '# shop, by two\n', 'features/two.js': feature(true) });
    const tip = sandbox.git(two, 'rev-parse', 'HEAD').trim();
    const result = sandbox.pwt(main, ['land', '--check', shop.check, '--json']);
    expect(result.code).toBe(4);
    const report = parseJson(result.stdout);
    expect(report.landed.map((each: any) => each.session)).toEqual(['one']);
    expect(report.ejected).toEqual([{ session: 'two', reason: 'conflict', files: ['README.md'] }]);
    expect(readFileSync(join(main, 'README.md'), 'utf8')).toBe('# shop, by one\n');
    expect(existsSync(join(main, 'features', 'two.js'))).toBe(false);
    expect(rev(shop, 'session/two')).toBe(tip);
    const status = parseJson(sandbox.pwt(main, ['status', '--json']).stdout);
    expect(status.sessions[0].notes[0]).toMatchObject({ kind: 'land-failed', detail: expect.stringContaining('conflicts in README.md') });
  }, 120_000);

  it('--dry-run lists the queue and predicts conflicts, running no check and changing nothing', () => {
    shop = makeShop();
    const { sandbox, main } = shop;
    sessionWith(shop, 'one', { 'README.md': '# one\n' });
    sessionWith(shop, 'two', { 'README.md': '# two\n' });
    const from = rev(shop, 'main');
    const result = sandbox.pwt(main, ['land', '--check', shop.check, '--dry-run', '--json']);
    expect(result.code).toBe(0);
    expect(parseJson(result.stdout)).toMatchObject({
      dryRun: true,
      checks: 0,
      landed: [{ session: 'one' }],
      ejected: [{ session: 'two', reason: 'conflict', files: ['README.md'] }],
    });
    expect(rev(shop, 'main')).toBe(from);
    expect(lines(shop.tested)).toEqual([]);
    expect(manifest(shop).sessions.map((each: any) => each.id)).toEqual(['one', 'two']);
  }, 120_000);

  it("--run lands a run's sessions, in the run's order, and nothing else", () => {
    shop = makeShop();
    const { sandbox, main, sessionsDir } = shop;
    sessionWith(shop, 'fix-claude', { 'features/claude.js': feature(true) });
    sessionWith(shop, 'other', { 'features/other.js': feature(true) });
    sessionWith(shop, 'fix-codex', { 'features/codex.js': feature(true) });
    const agent = (session: string, provider: string) => ({
      session,
      provider,
      agentId: null,
      vendorSessionId: null,
      cliCommand: null,
      tmuxSession: null,
      spawnedAt: null,
    });
    mkdirSync(join(sessionsDir, '.pwt', 'runs'), { recursive: true });
    writeFileSync(
      join(sessionsDir, '.pwt', 'runs', 'fix.json'),
      JSON.stringify({
        version: 1,
        name: 'fix',
        createdAt: '2026-01-01T00:00:00Z',
        goals: [],
        prompt: null,
        agents: [agent('fix-codex', 'codex'), agent('fix-claude', 'claude')],
      }),
    );
    const result = sandbox.pwt(main, ['land', '--run', 'fix', '--check', shop.check, '--json']);
    expect(result.code, result.stderr).toBe(0);
    expect(parseJson(result.stdout).landed.map((each: any) => each.session)).toEqual(['fix-codex', 'fix-claude']);
    expect(manifest(shop).sessions.map((each: any) => each.id)).toEqual(['other']);
    expect(sandbox.pwt(main, ['land', 'x', '--run', 'fix']).code).toBe(2);
    expect(sandbox.pwt(main, ['land', '--run', 'nope']).code).toBe(3);
  }, 120_000);

  it('nothing to land is exit 3 with a reason; a named session with uncommitted work is not tried', () => {
    shop = makeShop();
    const { sandbox, main, sessionsDir } = shop;
    expect(sandbox.pwt(main, ['create', 'idle']).code).toBe(0);
    const none = sandbox.pwt(main, ['land', '--check', 'true']);
    expect(none.code).toBe(3);
    expect(none.stderr).toContain('Nothing to land');
    sessionWith(shop, 'busy', { 'features/busy.js': feature(true) });
    writeFileSync(join(sessionsDir, 'busy', 'notes.txt'), 'draft\n');
    const named = sandbox.pwt(main, ['land', 'busy', '--check', 'true']);
    expect(named.code).toBe(3);
    expect(named.stderr).toContain('uncommitted change(s)');
  }, 120_000);
});

describe('pwt land, interrupted', () => {
  it('kill -9 during a check leaves main unchanged; pwt land again continues and lands on a tested commit', () => {
    shop = makeShop();
    const { sandbox, main, root } = { ...shop, root: shop.sandbox.root };
    sessionWith(shop, 'a', { 'features/a.js': feature(true) });
    sessionWith(shop, 'b', { 'features/b.js': feature(true) });
    const from = rev(shop, 'main');
    const before = mainHistory(shop).length;
    const mark = join(root, 'killed-once');
    // The check's shell kills pwt itself ($PPID), once, before testing anything.
    const check = `[ -f '${mark}' ] || { touch '${mark}'; kill -9 $PPID; }; ${shop.check}`;
    const killed = sandbox.pwt(main, ['land', '--check', check]);
    expect(killed.code).not.toBe(0);
    expect(existsSync(mark)).toBe(true);
    expect(rev(shop, 'main')).toBe(from);
    expect(existsSync(join(shop.sessionsDir, '.pwt', 'queue', 'state.json'))).toBe(true);
    expect(manifest(shop).sessions.map((each: any) => each.id)).toEqual(['a', 'b']);
    // The check worktree left behind is pwt's own, not an orphan.
    expect(parseJson(sandbox.pwt(main, ['status', '--json']).stdout).orphans).toEqual([]);

    const again = sandbox.pwt(main, ['land', '--check', check, '--json']);
    expect(again.code, again.stderr).toBe(0);
    expect(again.stderr).toContain('Continuing the pwt land that was interrupted');
    const report = parseJson(again.stdout);
    expect(report.landed.map((each: any) => each.session)).toEqual(['a', 'b']);
    expect(rev(shop, 'main')).toBe(report.to);
    expectMainOnlyOnPassed(shop, before);
    expect(manifest(shop).sessions).toEqual([]);
  }, 120_000);

  it('kill -9 while ending the landed sessions leaves main at the tested commit; pwt land again ends them, then skips them as landed', () => {
    shop = makeShop();
    const { sandbox, main } = shop;
    const mark = join(sandbox.root, 'killed-in-pre-remove');
    writeFileSync(
      join(main, '.pwt.json'),
      `${JSON.stringify({ hooks: { 'pre-remove': `[ -f '${mark}' ] || { touch '${mark}'; kill -9 $PPID; }` } }, null, 2)}\n`,
    );
    sandbox.git(main, 'add', '.pwt.json');
    sandbox.git(main, 'commit', '--quiet', '-m', 'hooks');
    sessionWith(shop, 'a', { 'features/a.js': feature(true) });
    const bTip = sandbox.git(sessionWith(shop, 'b', { 'features/b.js': feature(true) }), 'rev-parse', 'HEAD').trim();
    const before = mainHistory(shop).length;
    const killed = sandbox.pwt(main, ['land', 'a', 'b', '--check', shop.check, '--trust-hooks']);
    expect(killed.code).not.toBe(0);
    expect(existsSync(mark)).toBe(true);
    // The base moved, once, to the commit the check passed; no session was half-ended.
    expect(mainHistory(shop).length).toBe(before + 1);
    expectMainOnlyOnPassed(shop, before);
    expect(manifest(shop).sessions.map((each: any) => each.id)).toEqual(['a', 'b']);
    expect(rev(shop, 'session/b')).toBe(bTip);

    const again = sandbox.pwt(main, ['land', 'a', 'b', '--check', shop.check, '--trust-hooks', '--json']);
    expect(again.code, again.stderr).toBe(0);
    expect(again.stderr).toContain('Finishing the pwt land that was interrupted');
    expect(parseJson(again.stdout).landed.map((each: any) => each.session)).toEqual(['a', 'b']);
    expect(manifest(shop).sessions).toEqual([]);
    expect(mainHistory(shop).length).toBe(before + 1);
    expect(lines(shop.tested)).toHaveLength(1);

    const third = sandbox.pwt(main, ['land', 'a', 'b', '--check', shop.check]);
    expect(third.code, third.stderr).toBe(0);
    expect(third.stderr).toContain('a has landed already');
    expect(third.stderr).toContain('b has landed already');
  }, 120_000);
});

describe('stacked sessions', () => {
  it("create --on stacks B on A (status shows it), sync B brings A's new commits, and land puts A before B", () => {
    shop = makeShop();
    const { sandbox, main, sessionsDir } = shop;
    const a = sessionWith(shop, 'a', { 'features/a.js': feature(true) });
    const b = sessionWith(shop, 'b', { 'features/b.js': feature(true) }, ['--on', 'a']);
    expect(manifest(shop).sessions.find((each: any) => each.id === 'b').base).toBe('session/a');
    expect(existsSync(join(b, 'features', 'a.js'))).toBe(true);
    expect(sandbox.pwt(main, ['status']).stdout).toMatch(/\bb on a\b/);
    sandbox.git(a, 'mv', 'features/a.js', 'features/a2.js');
    sandbox.git(a, 'commit', '--quiet', '-m', 'a: rename');
    const synced = sandbox.pwt(main, ['sync', 'b']);
    expect(synced.code, synced.stderr).toBe(0);
    expect(existsSync(join(sessionsDir, 'b', 'features', 'a2.js'))).toBe(true);

    const alone = sandbox.pwt(main, ['land', 'b', '--check', shop.check]);
    expect(alone.code).toBe(3);
    expect(alone.stderr).toContain('it stands on a, which is not landing with it');

    const result = sandbox.pwt(main, ['land', 'b', 'a', '--check', shop.check, '--json']);
    expect(result.code, result.stderr).toBe(0);
    const report = parseJson(result.stdout);
    expect(report.landed.map((each: any) => each.session)).toEqual(['a', 'b']);
    expect(existsSync(join(main, 'features', 'a2.js'))).toBe(true);
    expect(existsSync(join(main, 'features', 'b.js'))).toBe(true);
    expect(manifest(shop).sessions).toEqual([]);
  }, 120_000);

  it('a landed parent re-targets its children: their base becomes its base, and the base is brought in', () => {
    shop = makeShop();
    const { sandbox, main } = shop;
    sessionWith(shop, 'a', { 'features/a.js': feature(true) });
    const b = sessionWith(shop, 'b', { 'features/b.js': feature(true) }, ['--on', 'a']);
    const bTip = sandbox.git(b, 'rev-parse', 'HEAD').trim();
    const result = sandbox.pwt(main, ['land', 'a', '--check', shop.check]);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stderr).toContain('b now stands on main (it stood on session/a)');
    const record = manifest(shop).sessions.find((each: any) => each.id === 'b');
    expect(record.base).toBe('main');
    // Its own commit kept, and nothing of main missing.
    expect(sandbox.sh('git', ['merge-base', '--is-ancestor', bTip, 'HEAD'], b).code).toBe(0);
    expect(sandbox.sh('git', ['merge-base', '--is-ancestor', 'main', 'HEAD'], b).code).toBe(0);
    expect(sandbox.pwt(main, ['status']).stdout).not.toMatch(/\bb on a\b/);
  }, 120_000);
});

describe('stacked sessions, ended by pwt remove', () => {
  it('merging the parent with pwt remove re-targets its children to its base too', () => {
    shop = makeShop();
    const { sandbox, main } = shop;
    sessionWith(shop, 'a', { 'features/a.js': feature(true) });
    sessionWith(shop, 'b', { 'features/b.js': feature(true) }, ['--on', 'a']);
    const removed = sandbox.pwt(main, ['remove', 'a', '--strategy', 'merge']);
    expect(removed.code, removed.stderr).toBe(0);
    expect(manifest(shop).sessions.find((each: any) => each.id === 'b').base).toBe('main');
    const status = parseJson(sandbox.pwt(main, ['status', '--json']).stdout);
    expect(status.sessions[0].notes).toEqual([]);
    expect(sandbox.pwt(main, ['land', 'b', '--check', shop.check]).code).toBe(0);
    expect(existsSync(join(main, 'features', 'b.js'))).toBe(true);
  }, 120_000);
});

describe('pwt land at a terminal', () => {
  it('unapproved hooks with the pre-merge gate: Enter (the default No) cancels with nothing landed; Yes lands, tested', async () => {
    shop = makeShop();
    const { sandbox, main } = shop;
    writeFileSync(join(main, '.pwt.json'), `${JSON.stringify({ hooks: { 'pre-merge': shop.check } }, null, 2)}\n`);
    sandbox.git(main, 'add', '.pwt.json');
    sandbox.git(main, 'commit', '--quiet', '-m', 'hooks');
    sessionWith(shop, 'a', { 'features/a.js': feature(true) });
    const from = rev(shop, 'main');
    let term = new TmuxPwt(sandbox, main, ['land']);
    try {
      await term.waitFor(/Approve this hook set for this repository\?/);
      term.keys(['Enter']);
      const declined = await term.exit();
      expect(declined.code, declined.screen).toBe(130);
      expect(rev(shop, 'main')).toBe(from);
      expect(lines(shop.tested)).toEqual([]);
      expect(manifest(shop).sessions.map((each: any) => each.id)).toEqual(['a']);
    } finally {
      term.kill();
    }
    term = new TmuxPwt(sandbox, main, ['land']);
    try {
      await term.waitFor(/Approve this hook set for this repository\?/);
      term.keys(['Left']);
      await term.waitFor(/● Yes/);
      term.keys(['Enter']);
      const done = await term.exit();
      expect(done.code, done.screen).toBe(0);
      expect(done.screen).toMatch(/Landed a on main/);
      expect(lines(shop.passed)).toEqual([rev(shop, 'main')]);
    } finally {
      term.kill();
    }
  }, 120_000);
});
