import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { filesStamp } from '../../src/core/agents/vendors/common.js';
import opencode from '../../src/core/agents/vendors/opencode/adapter.js';
import { poll } from './harness.js';
import { expectCliFace, expectPinnedVersion, expectResumeAddsTurn, expectToolTurn, runHeadless, useFreshWorlds, useModelServer } from './e2e.js';
import { opencodeRecipe } from './recipes.js';
import { MARKER, TOOL_COMMAND } from './server/script.js';

/**
 * The real opencode (opencode-ai, pinned in scripts/install-agent-clis.mjs)
 * against the test model server's Chat Completions protocol, in a session
 * worktree with a fresh HOME. Its sessions land in the SQLite store under
 * HOME/.local/share/opencode. Headless only, to keep the suite lean: the
 * TUI takes ~20 s per start on two busy cores (an interactive tmux run with
 * `opencode --session <id>` as the resume passed against 1.18.33 while this
 * adapter was written, ~90 s), and pi's, claude's, codex's and copilot's
 * tests cover the interactive flow.
 */
const server = useModelServer();
const worlds = useFreshWorlds('opencode', (world) => opencodeRecipe(world, server.url));

/** opencode's shell tool. */
const TOOL = { name: 'bash', input: { command: TOOL_COMMAND } };

describe('opencode CLI (real) against the local model server', () => {
  it('headless: id captured for the worktree, transcript holds the tool call, resume by id adds a turn', async () => {
    const { world, env } = worlds.make('opencode-headless');
    await expectPinnedVersion(opencode, 'opencode-ai', 'opencode', env);
    const prompt = `Run the check ${MARKER}`;
    const since = new Date();
    await runHeadless(opencode.startCommand({ cwd: world.cwd, prompt, headless: true, name: 'pwt e2e' }), env);

    const id = await poll('the opencode session of the worktree', () => opencode.captureSessionId(world.cwd, since, env));
    const [session] = await opencode.listSessions(world.cwd, env);
    expect(session).toMatchObject({ provider: 'opencode', id, cwd: world.cwd });
    // The prompt went in on stdin, so opencode stored it as typed (argv words with spaces get quoted).
    expectToolTurn(await opencode.readTranscript(id, { cwd: world.cwd, env }), { prompt, tool: TOOL });

    // Its conversation files: the database, in WAL mode (header bytes 18-19 are 2), and its log; the resume changes them.
    const database = join(opencode.home(env), 'opencode.db');
    expect(opencode.conversationFiles?.(id, { cwd: world.cwd, env })).toEqual([database, `${database}-wal`]);
    expect([...readFileSync(database).subarray(18, 20)]).toEqual([2, 2]);
    const stamp = filesStamp([database, `${database}-wal`]);

    const transcript = await expectResumeAddsTurn(opencode, id, { world, env, prompt, tool: TOOL });
    expect(filesStamp(opencode.conversationFiles!(id, { cwd: world.cwd, env }))).not.toBe(stamp);
    expectCliFace(world, env, transcript);
  }, 240_000);
});
