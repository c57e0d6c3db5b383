import { afterEach, describe, expect, it } from 'vitest';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { hookFile } from '../src/core/agents/runtime/activity/event-file.js';
import { parseJson } from './helpers/sandbox.js';
import { isolateTmux, runningEntry } from './helpers/tmux.js';
import { feature, makeShop, sessionWith, type Shop } from './land-harness.js';
import { openProject } from '../src/core/project/project.js';
import { newAgentWindow } from '../src/core/tmux/windows.js';
import { updateAgents } from '../src/core/agents/runtime/records.js';

const tmux = isolateTmux();
let shop: Shop;
afterEach(() => shop?.sandbox.cleanup(), 60_000);

/** A real process (cat: it shows what is typed) in pwt's own tmux, recorded as the session's running agent (a claude). */
async function agentIn(s: Shop, session: string, busy = false): Promise<string> {
  const core = await openProject(s.main);
  const cwd = join(s.sessionsDir, session);
  const made = await newAgentWindow({
    tmuxSession: `shop/${session}`,
    main: s.main,
    session,
    agentId: `${session}-claude`,
    windowName: 'claude',
    cwd,
    env: process.env,
    argv: busy ? ['sh', '-c', 'echo "* Thinking... (esc to interrupt)"; exec cat'] : ['cat'],
  });
  const agent = runningEntry(made, `${session}-claude`, 'claude');
  await updateAgents(core, session, (agents) => void agents.push(agent));
  // Idle: its turn is over, as the vendor's Stop hook would have said (docs/activity.md). Busy: claude's busy line on its screen.
  if (!busy) {
    mkdirSync(join(s.sessionsDir, '.pwt', 'agents'), { recursive: true });
    writeFileSync(
      hookFile(join(s.sessionsDir, '.pwt', 'agents'), agent.id),
      JSON.stringify({ event: 'Stop', activity: 'idle', at: Date.now(), since: Date.now() }),
    );
  }
  return made.paneId;
}

async function screenOf(pane: string, wanted: RegExp): Promise<string> {
  const deadline = Date.now() + 15_000;
  let screen = '';
  while (Date.now() < deadline) {
    screen = tmux.tmux('capture-pane', '-p', '-J', '-t', pane).stdout;
    if (wanted.test(screen)) return screen;
    await new Promise((done) => setTimeout(done, 100));
  }
  return screen;
}

describe('pwt land --tell-agents', () => {
  it('tells the running agent of an ejected session what failed; the session stays with its agent', async () => {
    shop = makeShop();
    const { sandbox, main } = shop;
    sessionWith(shop, 'one', { 'README.md': '# by one\n' });
    sessionWith(shop, 'two', { 'README.md': '# by two\n', 'features/two.js': feature(true) });
    const pane = await agentIn(shop, 'two');
    const result = sandbox.pwt(main, ['land', '--check', shop.check, '--tell-agents', '--json'], { TMUX_TMPDIR: tmux.dir() });
    expect(result.code, result.stderr).toBe(4);
    expect(parseJson(result.stdout).ejected).toEqual([{ session: 'two', reason: 'conflict', files: ['README.md'] }]);
    const screen = await screenOf(pane, /conflicts in README\.md/);
    expect(screen).toMatch(/pwt land could not land this session: merging it onto main conflicts in README\.md/);
    expect(tmux.tmux('list-panes', '-t', pane).code).toBe(0);
  }, 60_000);

  it('leaves out a session whose agent is working: not a default candidate, and named it is not tried (exit 3)', async () => {
    shop = makeShop();
    const { sandbox, main } = shop;
    sessionWith(shop, 'busy', { 'features/busy.js': feature(true) });
    sessionWith(shop, 'done', { 'features/done.js': feature(true) });
    await agentIn(shop, 'busy', true);
    const env = { TMUX_TMPDIR: tmux.dir() };
    const result = sandbox.pwt(main, ['land', '--check', shop.check, '--json'], env);
    expect(result.code, result.stderr).toBe(0);
    expect(parseJson(result.stdout).landed.map((each: any) => each.session)).toEqual(['done']);
    const named = sandbox.pwt(main, ['land', 'busy', '--check', shop.check], env);
    expect(named.code).toBe(3);
    expect(named.stderr).toContain('its agent busy-claude is working');
  }, 60_000);
});
