import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { CONTINUE_PROMPT, exitedWhileLimited, resumeLimited } from '../../../../src/core/agents/scheduler/limits.js';
import type { ActivityState } from '../../../../src/core/agents/runtime/activity/types.js';
import type { SeenLimit } from '../../../../src/core/agents/runtime/limited.js';
import { updateAgents, type AgentEntry } from '../../../../src/core/agents/runtime/records.js';
import type { Manifest } from '../../../../src/core/manifest/manifest.js';
import { readManifest } from '../../../../src/core/manifest/store.js';
import { openProject } from '../../../../src/core/project/project.js';
import { capturePane, newAgentWindow } from '../../../../src/core/tmux/windows.js';
import { poll } from '../../../agents/harness.js';
import { makeProject, type Project } from '../../../helpers/sandbox.js';
import { isolateTmux, runningEntry } from '../../../helpers/tmux.js';

/**
 * Which agents the scheduler resumes by vendor id after their limit (resumeAfterLimit): those that exited
 * while limited, by the limit pwt sees now (the last screen or the vendor's file) or the one the manifest
 * kept; once per limit; never one stopped or hibernated on purpose.
 */
const agent = (id: string, status: AgentEntry['status'], extra: Partial<AgentEntry> = {}): AgentEntry => ({
  id,
  provider: 'codex',
  vendorSessionId: `${id}-vendor`,
  status,
  cli: 'codex',
  cliCommand: [],
  resumeArgs: null,
  spawnedAt: '2026-12-06T20:00:00.000Z',
  ...extra,
});
const UNTIL = '2026-12-06T21:47:00.000Z';

describe('agents that exited at their limit', () => {
  it("by the limit seen now (the vendor's file), else the manifest's; once per limit; not stopped or hibernated ones", () => {
    const manifest = {
      sessions: [
        {
          id: 's',
          agents: [
            agent('from-file', 'exited'),
            agent('from-manifest', 'exited', { limitedUntil: UNTIL }),
            agent('done', 'exited', { limitedUntil: UNTIL, limitResumedFor: UNTIL }),
            agent('stopped', 'stopped'),
            agent('hibernated', 'hibernated'),
            agent('not-limited', 'exited'),
          ],
        },
      ],
    } as unknown as Manifest;
    const seen: SeenLimit = { until: UNTIL, source: 'transcript' };
    const limits = new Map(['from-file', 'done', 'stopped', 'hibernated'].map((id) => [id, seen]));
    const found = exitedWhileLimited(manifest, { panes: [] }, limits);
    expect(found.map(({ agent, until }) => [agent.id, until])).toEqual([
      ['from-file', UNTIL],
      ['from-manifest', UNTIL],
    ]);
    // A limit without a reset: nothing says when to come back.
    expect(exitedWhileLimited(manifest, { panes: [] }, new Map([['not-limited', { until: null, source: 'transcript' }]])).map((each) => each.agent.id)).toEqual(
      ['from-manifest'],
    );
  });
});

const tmux = isolateTmux();
let project: Project | undefined;
afterEach(() => project?.sandbox.cleanup(), 60_000);

describe('resuming a turn after its limit', () => {
  it('a limit menu that stays open gets nothing typed into it: the scheduler says so and how to answer it', async () => {
    project = makeProject();
    const { sandbox, main } = project;
    expect(sandbox.pwt(main, ['create', 's']).code).toBe(0);
    // A claude whose limit menu never closes: its screen, then a terminal that keeps every line typed.
    const screen = join(sandbox.root, 'screen.txt');
    const typed = join(sandbox.root, 'typed.txt');
    writeFileSync(
      screen,
      [
        "  ⎿  You've hit your session limit · resets 9:46pm (UTC)",
        '❯ /rate-limit-options',
        '  What do you want to do?',
        '  ❯ 1. Stop and wait for limit to reset',
        '    2. Upgrade your plan',
        '',
      ].join('\n'),
    );
    writeFileSync(typed, '');
    const made = await newAgentWindow({
      tmuxSession: 'app/s',
      main,
      session: 's',
      agentId: 's-claude',
      windowName: 'claude',
      cwd: main,
      env: process.env,
      argv: ['sh', '-c', 'cat "$0"; exec cat >> "$1"', screen, typed],
    });
    await poll('the limit menu', async () => (await capturePane(made.paneId, 0)).includes('Stop and wait'), 10_000, 50);
    const core = await openProject(main);
    await updateAgents(core, 's', (agents) => void agents.push(runningEntry(made, 's-claude', 'claude')));
    const until = new Date(Date.now() - 1000).toISOString();
    const activity = new Map<string, ActivityState>([
      ['s-claude', { activity: 'limited', activitySource: 'screen', activitySince: until, limitedUntil: until }],
    ]);
    const limits = new Map<string, SeenLimit>([['s-claude', { until, source: 'screen' }]]);
    const notes: string[] = [];
    await resumeLimited(core, await readManifest(core), activity, limits, Date.now(), (line) => notes.push(line));
    expect(notes).toEqual([
      expect.stringMatching(/^Could not resume s-claude after its usage limit: its limit menu did not close; .*pwt agent attach s-claude/),
    ]);
    // Nothing typed: a line the test types now is the terminal's first, and the prompt is in no line.
    tmux.tmux('send-keys', '-t', made.paneId, '-l', 'the first line');
    tmux.tmux('send-keys', '-t', made.paneId, 'Enter');
    const lines = await poll('the line typed', () => readFileSync(typed, 'utf8').includes('the first line') && readFileSync(typed, 'utf8'), 10_000, 50);
    expect(lines).not.toContain(CONTINUE_PROMPT);
    expect(lines.split('\n').filter(Boolean)).toHaveLength(1);
    // Recorded as resumed: a restarted scheduler does not type it either.
    const entry = (await readManifest(core))!.sessions[0]!.agents!.find((agent) => agent.id === 's-claude');
    expect(entry).toMatchObject({ limitResumedFor: until });
  }, 60_000);
});
