import { describe, expect, it } from 'vitest';
import type { LandFacts, SessionFacts } from '../../../src/core/land/facts.js';
import { planLand, resumeDecision } from '../../../src/core/land/plan.js';
import type { LandState } from '../../../src/core/land/state.js';

const session = (id: string, over: Partial<SessionFacts> = {}): SessionFacts => ({
  id,
  branch: `session/${id}`,
  startedAt: `2026-01-0${over.startedAt ?? '1'}T00:00:00Z`,
  goals: [],
  base: 'main',
  parent: null,
  tip: `tip-${id}`,
  ahead: 1,
  worktreeExists: true,
  dirty: 0,
  working: [],
  ...over,
});

const facts = (sessions: SessionFacts[], over: Partial<LandFacts> = {}): LandFacts => ({
  project: {} as LandFacts['project'],
  base: 'main',
  baseTip: 'm0',
  baseCheckedOutAt: '/repo',
  baseDirty: 0,
  sessions,
  state: null,
  ...over,
});
const choice = (names: string[] = []) => ({ names, squash: false, check: '--check true' });
const order = (plan: ReturnType<typeof planLand>) => plan.candidates.map((each) => each.session);

describe('planLand', () => {
  it('by default: every session ahead of the base, oldest first; idle ones left out silently', () => {
    const plan = planLand(facts([session('late', { startedAt: '3' }), session('early', { startedAt: '1' }), session('idle', { ahead: 0 })]), choice());
    expect(order(plan)).toEqual(['early', 'late']);
    expect(plan.skipped).toEqual([]);
  });

  it('named: in the order given, each refusal with its reason', () => {
    const plan = planLand(
      facts([
        session('a'),
        session('dirty', { dirty: 2 }),
        session('busy', { working: ['busy-claude'] }),
        session('none', { ahead: 0 }),
        session('b'),
        session('elsewhere', { base: 'develop' }),
      ]),
      choice(['b', 'dirty', 'busy', 'none', 'a', 'elsewhere']),
    );
    expect(order(plan)).toEqual(['b', 'a']);
    expect(Object.fromEntries(plan.skipped.map((each) => [each.session, each.reason]))).toEqual({
      dirty: expect.stringContaining('2 uncommitted change(s)'),
      busy: expect.stringContaining('busy-claude is working'),
      none: expect.stringContaining('nothing to land'),
      elsewhere: expect.stringContaining('its base is develop'),
    });
  });

  it('stacked: a child lands after its parent, and not without it', () => {
    const sessions = [session('child', { base: 'session/parent', parent: 'parent', startedAt: '1' }), session('parent', { startedAt: '2' })];
    expect(order(planLand(facts(sessions), choice(['child', 'parent'])))).toEqual(['parent', 'child']);
    expect(planLand(facts(sessions), choice(['child', 'parent'])).candidates[1]).toMatchObject({ session: 'child', parent: 'parent' });
    const alone = planLand(facts(sessions), choice(['child']));
    expect(order(alone)).toEqual([]);
    expect(alone.skipped).toEqual([{ session: 'child', reason: expect.stringContaining('it stands on parent, which is not landing with it') }]);
    // A parent with nothing of its own left is no dependency.
    expect(order(planLand(facts([sessions[0]!, session('parent', { ahead: 0 })]), choice(['child'])))).toEqual(['child']);
  });

  it('refuses, changing nothing, when the base is checked out with uncommitted changes', () => {
    expect(() => planLand(facts([session('a')], { baseDirty: 1 }), choice())).toThrow(/uncommitted change/);
  });
});

describe('resumeDecision', () => {
  const state = (over: Partial<LandState> = {}): LandState => ({
    version: 1,
    startedAt: 'x',
    base: 'main',
    from: 'm0',
    squash: false,
    check: '--check true',
    candidates: [{ session: 'a', branch: 'session/a', tip: 't', goals: [] }],
    checks: {},
    phase: 'testing',
    ...over,
  });
  it.each([
    ['no earlier queue', null, [], 'fresh'],
    ['same queue, base unmoved', state(), [], 'continue'],
    ['same names', state(), ['a'], 'continue'],
    ['other names', state(), ['b'], 'restart'],
    ['the base moved meanwhile', state({ from: 'older' }), [], 'restart'],
    ['the base was about to move', state({ phase: 'advancing' }), ['b'], 'finish'],
    ['sessions were being ended', state({ phase: 'ending' }), [], 'finish'],
  ] as const)('%s -> %s', (_what, earlier, names, expected) => {
    expect(resumeDecision(earlier as LandState | null, facts([]), choice([...names]))).toBe(expected);
  });
});
