import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { agentsDir, observeActivity, screenFile } from '../../../../../src/core/agents/runtime/activity/observe.js';
import { checkStatus, readLiveness } from '../../../../../src/core/agents/runtime/status.js';
import { capturePane, newAgentWindow } from '../../../../../src/core/tmux/windows.js';
import { poll } from '../../../../agents/harness.js';
import { isolateTmux, runningEntry } from '../../../../helpers/tmux.js';

/**
 * What a one-shot command (`pwt agent list`) concludes from a screen it last
 * captured long ago: a screen that changed since, but has been still since
 * the end of a quiet turn, is idle since that last output, not "working since
 * now".
 */
const server = isolateTmux();
const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

describe('activity seen by a one-shot command', () => {
  it('a screen that changed since the last look but is still now is idle since its last output, not working since the query', async () => {
    const root = mkdtempSync(join(tmpdir(), 'pwt-observe-'));
    dirs.push(root);
    const made = await newAgentWindow({
      tmuxSession: 'app/a',
      main: root,
      session: 'a',
      agentId: 'a-pi',
      windowName: 'pi',
      cwd: root,
      env: process.env,
      argv: ['sh', '-c', 'echo the quiet turn is over; exec sleep 60'],
    });
    await poll('the output', async () => (await capturePane(made.paneId, 0)).includes('the quiet turn is over'), 10_000, 50);
    const agent = runningEntry(made, 'a-pi', 'pi');
    // The window has been quiet for a while (tmux stamps its last output in whole seconds).
    const quiet = await poll(
      'a quiet window',
      async () => {
        const pane = (await readLiveness()).panes?.find((each) => each.paneId === made.paneId);
        return pane && Date.now() - pane.windowActivity * 1000 > 2_600 ? pane : null;
      },
      15_000,
      200,
    );
    // What an earlier look saw, long ago, while the turn was working.
    const longAgo = Date.now() - 600_000;
    mkdirSync(agentsDir(root), { recursive: true });
    writeFileSync(
      screenFile(agentsDir(root), 'a-pi'),
      JSON.stringify({
        stamp: 1,
        capturedAt: longAgo,
        hash: 'an older screen',
        kind: 'working',
        changedAt: longAgo,
        decided: { activity: 'working', source: 'screen', since: longAgo },
      }),
    );

    const before = Date.now();
    const seen = (await observeActivity(root, [{ agent, checked: checkStatus(agent, await readLiveness()) }])).get('a-pi');
    expect(seen).toMatchObject({ activity: 'idle', activitySource: 'screen' });
    expect(Date.parse(seen!.activitySince)).toBeLessThanOrEqual(quiet.windowActivity * 1000 + 999);
    expect(Date.parse(seen!.activitySince)).toBeLessThan(before);
  }, 30_000);
  it('a usage limit reads one reset however each look found the screen file (a concurrent first look, a late write of an older screen)', async () => {
    const root = mkdtempSync(join(tmpdir(), 'pwt-observe-'));
    dirs.push(root);
    // pi's limit (its editor's rules below it): the wait counts from when the message appeared.
    const screen = [' capped', ' Error: 429 Rate limit reached. Please try again in 81s.', '─'.repeat(40), '─'.repeat(40), '~/work (main)'];
    const made = await newAgentWindow({
      tmuxSession: 'app/c',
      main: root,
      session: 'c',
      agentId: 'c-pi',
      windowName: 'pi',
      cwd: root,
      env: process.env,
      argv: ['sh', '-c', `printf '%s\\n' ${screen.map((line) => `'${line}'`).join(' ')}; exec sleep 60`],
    });
    await poll('the limit', async () => (await capturePane(made.paneId, 0)).includes('~/work (main)'), 10_000, 50);
    const agent = runningEntry(made, 'c-pi', 'pi');
    const pane = (await readLiveness()).panes!.find((each) => each.paneId === made.paneId)!;
    const second = pane.windowActivity * 1000;
    mkdirSync(agentsDir(root), { recursive: true });
    const earlier = (capturedAt: number) =>
      writeFileSync(
        screenFile(agentsDir(root), 'c-pi'),
        JSON.stringify({
          stamp: 1,
          capturedAt,
          hash: 'an older screen',
          kind: 'working',
          changedAt: capturedAt,
          decided: { activity: 'working', source: 'screen', since: capturedAt },
        }),
      );
    const look = async (now: number) => (await observeActivity(root, [{ agent, checked: checkStatus(agent, await readLiveness()) }], now)).get('c-pi');

    earlier(second - 5_000);
    const first = await look(second + 100);
    expect(first).toMatchObject({ activity: 'limited', limitedUntil: new Date(second + 100 + 82_000).toISOString() });
    // Another process read the same screen file before the first wrote it, and looks 169 ms later.
    earlier(second - 5_000);
    expect(await look(second + 269)).toMatchObject({ activity: 'limited', limitedUntil: first!.limitedUntil });
    // A process that captured the screen before the limit showed writes it last.
    earlier(second - 1_000);
    expect(await look(Date.now())).toMatchObject({ activity: 'limited', limitedUntil: first!.limitedUntil });
  }, 30_000);
  it('an agent in a pane past %3 (a resumed one gets a new pane) reads idle from its still screen, not working from its process', async () => {
    const root = mkdtempSync(join(tmpdir(), 'pwt-observe-'));
    dirs.push(root);
    // Panes %0 to %3 taken by others: tmux's display-message once padded a literal "%4" and the capture was lost.
    for (let i = 0; i < 4; i++) expect(server.tmux('new-session', '-d', '-s', `other${i}`, '--', 'sh', '-c', 'exec sleep 60').code).toBe(0);
    const made = await newAgentWindow({
      tmuxSession: 'app/b',
      main: root,
      session: 'b',
      agentId: 'b-copilot',
      windowName: 'copilot',
      cwd: root,
      env: process.env,
      argv: ['sh', '-c', 'echo the resumed turn is answered; exec sleep 60'],
    });
    expect(Number(made.paneId.slice(1))).toBeGreaterThanOrEqual(4);
    await poll('the output', async () => (await capturePane(made.paneId, 0)).includes('the resumed turn is answered'), 10_000, 50);
    const agent = runningEntry(made, 'b-copilot', 'copilot');
    // No screen kept (a launch removes it); a still screen with no busy line known is idle.
    const seen = await poll(
      'idle',
      async () => {
        const state = (await observeActivity(root, [{ agent, checked: checkStatus(agent, await readLiveness()) }])).get('b-copilot');
        expect(state?.activitySource).not.toBe('process');
        return state?.activity === 'idle' ? state : null;
      },
      15_000,
      200,
    );
    expect(seen).toMatchObject({ activity: 'idle', activitySource: 'screen' });
  }, 30_000);
});
