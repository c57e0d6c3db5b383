import { describe, expect, it } from 'vitest';
import { requireCli, runCommand, type AgentWorld, type CliName } from './agents/harness.js';
import { useFreshWorlds, useModelServer } from './agents/e2e.js';
import { claudeRecipe, codexRecipe, copilotRecipe, geminiRecipe, opencodeRecipe } from './agents/recipes.js';

/**
 * The installed templates, read by the real agent CLIs (pinned in
 * scripts/install-agent-clis.mjs) from where `pwt templates install` put
 * them: each CLI turns the command into a model request that carries the
 * template's text and the user's words. That proves place, format and
 * argument syntax together.
 */
const server = useModelServer();
const worlds = useFreshWorlds();

const WORDS = 'fix the login timeout';

/**
 * Installs the agent's templates in a fresh world's main worktree, runs the
 * agent's CLI there with `args` (set up by its offline `recipe`), expects exit
 * 0, and returns the bodies of the model requests that run made.
 */
async function runWithTemplates(agent: CliName, recipe: (world: AgentWorld) => NodeJS.ProcessEnv, args: string[], timeoutMs = 120_000): Promise<string[]> {
  const bin = requireCli(agent);
  const { world } = worlds.make(`templates-${agent}`);
  const installed = world.sandbox.pwt(world.project.main, ['templates', 'install', '--agent', agent]);
  expect(installed.code, installed.stderr).toBe(0);
  const from = server.requests.length;
  const run = await runCommand(bin, args, { cwd: world.project.main, env: recipe(world), timeoutMs });
  expect(run.code, run.stderr).toBe(0);
  return server.requests.slice(from).map((request) => JSON.stringify(request.body ?? ''));
}

/** The request bodies that carry the expanded template (and, when given, the user's words). */
function withTemplate(bodies: string[], words: string | null): string[] {
  return bodies.filter((body) => body.includes('Start a dev session') && body.includes('pwt context --json') && (words === null || body.includes(words)));
}

describe('templates read by the real agent CLIs', () => {
  it('claude expands /dev-session.start from .claude/commands with $ARGUMENTS', async () => {
    const bodies = await runWithTemplates('claude', (w) => claudeRecipe(w, server.url), ['-p', `/dev-session.start ${WORDS}`]);
    expect(withTemplate(bodies, WORDS).length).toBeGreaterThan(0);
  }, 60_000);

  it('gemini expands /dev-session.start from .gemini/commands/*.toml with {{args}}', async () => {
    const bodies = await runWithTemplates('gemini', (w) => geminiRecipe(w, server.url), ['-p', `/dev-session.start ${WORDS}`, '--skip-trust']);
    expect(withTemplate(bodies, WORDS).length).toBeGreaterThan(0);
  }, 60_000);

  it('opencode runs the dev-session.start command from .opencode/commands with $ARGUMENTS', async () => {
    const bodies = await runWithTemplates('opencode', (w) => opencodeRecipe(w, server.url), ['run', '--command', 'dev-session.start', WORDS]);
    expect(withTemplate(bodies, WORDS).length).toBeGreaterThan(0);
  }, 60_000);

  it('codex finds the dev-session-start skill in .agents/skills and sends it when mentioned', async () => {
    const bodies = await runWithTemplates('codex', (w) => codexRecipe(w, server.url, w.project.main), [
      'exec',
      '--skip-git-repo-check',
      `$dev-session-start ${WORDS}`,
    ]);
    expect(withTemplate(bodies, null).length).toBeGreaterThan(0);
  }, 60_000);

  it('the copilot CLI offers the shared skills from .agents/skills to its model', async () => {
    const bodies = await runWithTemplates('copilot', (w) => copilotRecipe(w, server.url), ['-p', `/dev-session-start ${WORDS}`, '--allow-all-tools'], 180_000);
    // In prompt mode the CLI offers its skills to the model (name, description, location) and loads a body when the model asks for it.
    const offered = bodies.filter((body) => body.includes('<available_skills>'));
    expect(offered.length).toBeGreaterThan(0);
    for (const name of ['dev-session-start', 'dev-session-end', 'parallel-status']) expect(offered[0]).toContain(`<name>${name}</name>`);
    expect(offered[0]).toContain('<description>Start a dev session - agree on its goals');
  }, 60_000);
});
