import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse as parseToml } from 'smol-toml';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { parseFrontmatter } from '../src/core/templates/templates.js';
import { withMarker } from '../src/core/templates/install.js';
import { makeProject, parseJson, type Project } from './helpers/sandbox.js';
import { withPwtOnPath } from './shell-harness.js';

const NAMES = ['dev-session.start', 'dev-session.end', 'parallel.status'];
const SKILLS = ['dev-session-start', 'dev-session-end', 'parallel-status'];

/** Every file `--agent all` writes, relative to the main worktree. */
const EXPECTED: Record<string, string[]> = {
  claude: NAMES.map((name) => `.claude/commands/${name}.md`),
  gemini: NAMES.map((name) => `.gemini/commands/${name}.toml`),
  cursor: NAMES.map((name) => `.cursor/commands/${name}.md`),
  copilot: NAMES.map((name) => `.github/prompts/${name}.prompt.md`),
  opencode: NAMES.map((name) => `.opencode/commands/${name}.md`),
  skills: SKILLS.map((name) => `.agents/skills/${name}/SKILL.md`),
};
const ALL = Object.values(EXPECTED).flat();

describe('pwt templates install', () => {
  let project: Project;
  beforeEach(() => {
    project = makeProject();
  }, 60_000);
  afterEach(() => project.sandbox.cleanup(), 60_000);

  const install = (args: string[] = [], cwd = project.main) => project.sandbox.pwt(cwd, ['templates', 'install', ...args]);
  const read = (path: string) => readFileSync(join(project.main, path), 'utf8');
  const statuses = (stdout: string) => Object.fromEntries(parseJson(stdout).files.map((file: { path: string; status: string }) => [file.path, file.status]));

  it("writes every agent's files where it reads them, in its format", () => {
    const result = install();
    expect(result.code).toBe(0);
    for (const path of ALL) expect(existsSync(join(project.main, path)), path).toBe(true);

    // Markdown with YAML frontmatter: a description each agent shows in its command list.
    for (const path of [...EXPECTED.claude!, ...EXPECTED.opencode!, ...EXPECTED.copilot!]) {
      const { fields, body } = parseFrontmatter(read(path));
      expect(fields.description, path).toMatch(/^(Start|End|Show) /);
      expect(body, path).toMatch(/^# /);
    }
    for (const path of EXPECTED.copilot!) expect(parseFrontmatter(read(path)).fields.agent).toBe('agent');
    // Agent Skills: name = folder name, lowercase letters, digits and hyphens.
    for (const [index, path] of EXPECTED.skills!.entries()) {
      const { fields } = parseFrontmatter(read(path));
      expect(fields.name).toBe(SKILLS[index]);
      expect(fields.name).toMatch(/^[a-z0-9-]{1,64}$/);
      expect(fields.description).toBeTruthy();
    }
    // Cursor reads plain Markdown.
    for (const path of EXPECTED.cursor!) expect(read(path)).toMatch(/^# /);
    // Gemini: TOML with exactly `description` and `prompt` (gemini-cli validates both).
    for (const path of EXPECTED.gemini!) {
      const toml = parseToml(read(path)) as Record<string, unknown>;
      expect(Object.keys(toml).sort()).toEqual(['description', 'prompt']);
      expect(toml.prompt).toContain('{{args}}');
      expect(toml.prompt).toContain('pwt context --json');
    }
  }, 60_000);

  it("fills each agent's argument and command syntax, leaving no placeholder behind", () => {
    expect(install().code).toBe(0);
    for (const path of ALL) {
      expect(read(path), path).not.toMatch(/\{\{(input|command:)/);
    }
    expect(read('.claude/commands/dev-session.start.md')).toContain('What the user asked for: $ARGUMENTS');
    expect(read('.opencode/commands/dev-session.start.md')).toContain('$ARGUMENTS');
    expect(read('.claude/commands/dev-session.start.md')).toContain('`/dev-session.end` ends the session');
    expect(read('.agents/skills/dev-session-start/SKILL.md')).toContain('the `dev-session-end` skill ends the session');
  }, 60_000);

  it('the prompts call pwt with flags that never wait for a person', () => {
    expect(install(['--agent', 'claude']).code).toBe(0);
    const start = read('.claude/commands/dev-session.start.md');
    const end = read('.claude/commands/dev-session.end.md');
    const status = read('.claude/commands/parallel.status.md');
    expect(start).toContain('pwt context --json');
    expect(start).toContain('pwt create <name> --goal "<goal 1>" --goal "<goal 2>" --json');
    expect(end).toContain('pwt remove <name> --strategy <strategy> --dry-run --json');
    expect(end).toContain('cd "$(pwt path)" && pwt remove <name> --strategy <strategy> --yes --json');
    expect(end).toContain('--commit "<message>"');
    expect(status).toContain('pwt status --json');
  }, 60_000);

  it('re-installing reports everything up to date and changes nothing', () => {
    expect(install().code).toBe(0);
    const before = ALL.map(read);
    const again = install(['--json']);
    expect(again.code).toBe(0);
    expect(new Set(Object.values(statuses(again.stdout)))).toEqual(new Set(['up-to-date']));
    expect(ALL.map(read)).toEqual(before);
  }, 60_000);

  it('keeps an edited copy, says so, and overwrites it only with --force', () => {
    expect(install().code).toBe(0);
    const path = '.claude/commands/dev-session.end.md';
    const edited = read(path).replace('# End a dev session', '# End a dev session (our team: always squash)');
    writeFileSync(join(project.main, path), edited);

    const kept = install();
    expect(kept.code).toBe(0);
    expect(kept.stderr).toContain('kept (edited)');
    expect(kept.stderr).toContain('--force');
    expect(read(path)).toBe(edited);

    const forced = install(['--agent', 'claude', '--force', '--json']);
    expect(forced.code).toBe(0);
    expect(statuses(forced.stdout)[path]).toBe('overwritten');
    expect(read(path)).not.toContain('always squash');
    expect(statuses(install(['--json']).stdout)[path]).toBe('up-to-date');
  }, 60_000);

  it('updates a copy an older pwt wrote and nobody edited; keeps a file pwt did not write', () => {
    const old = '.gemini/commands/dev-session.start.toml';
    mkdirSync(join(project.main, '.gemini/commands'), { recursive: true });
    writeFileSync(
      join(project.main, old),
      withMarker({ format: 'toml', template: 'dev-session.start', content: 'description = "old"\nprompt = "old prompt"\n' }),
    );
    const own = '.cursor/commands/parallel.status.md';
    mkdirSync(join(project.main, '.cursor/commands'), { recursive: true });
    writeFileSync(join(project.main, own), '# my own status command\n');

    const result = install(['--json']);
    expect(result.code).toBe(0);
    const byPath = statuses(result.stdout);
    expect(byPath[old]).toBe('updated');
    expect((parseToml(read(old)) as { prompt: string }).prompt).toContain('pwt context --json');
    expect(byPath[own]).toBe('kept-edited');
    expect(read(own)).toBe('# my own status command\n');
  }, 60_000);

  it("--agent writes only that agent's files; codex and copilot share the skills", () => {
    const codex = install(['--agent', 'codex', '--json']);
    expect(codex.code).toBe(0);
    expect(Object.keys(statuses(codex.stdout)).sort()).toEqual([...EXPECTED.skills!].sort());
    expect(existsSync(join(project.main, '.claude'))).toBe(false);
    const copilot = install(['--agent', 'copilot', '--json']);
    expect(statuses(copilot.stdout)).toEqual({
      ...Object.fromEntries(EXPECTED.copilot!.map((path) => [path, 'created'])),
      ...Object.fromEntries(EXPECTED.skills!.map((path) => [path, 'up-to-date'])),
    });
  }, 60_000);

  it('--dry-run reports and writes nothing', () => {
    const result = install(['--dry-run', '--json']);
    expect(result.code).toBe(0);
    expect(parseJson(result.stdout).dryRun).toBe(true);
    expect(new Set(Object.values(statuses(result.stdout)))).toEqual(new Set(['created']));
    for (const path of ALL) expect(existsSync(join(project.main, path))).toBe(false);
  }, 60_000);

  it('writes into the main worktree when run from a session', () => {
    expect(project.sandbox.pwt(project.main, ['create', 'side']).code).toBe(0);
    const result = install(['--agent', 'cursor'], join(project.sessionsDir, 'side'));
    expect(result.code).toBe(0);
    for (const path of EXPECTED.cursor!) {
      expect(existsSync(join(project.main, path))).toBe(true);
      expect(existsSync(join(project.sessionsDir, 'side', path))).toBe(false);
    }
  }, 60_000);

  it('rejects an unknown agent (exit 2) and runs only inside a repository (exit 3)', () => {
    const unknown = install(['--agent', 'vim']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('vim');
    const outside = install([], project.sandbox.root);
    expect(outside.code).toBe(3);
    expect(outside.stderr).toContain('Not inside a git repository');
  }, 60_000);
});

/**
 * The commands the prompts tell an agent to run, run the way an agent runs
 * them: no TTY, CI unset. Nothing may wait for an answer.
 */
describe("the prompts' pwt commands, as an agent runs them", () => {
  let project: Project;
  beforeEach(() => {
    project = makeProject();
  }, 60_000);
  afterEach(() => project.sandbox.cleanup(), 60_000);

  it('context, create, status, remove --dry-run, remove --yes --commit: all answer with JSON and exit 0', () => {
    const { CI: _ci, ...agentEnv } = withPwtOnPath(project.sandbox);
    // sandbox.sh would merge CI=1 back in: spawn with an environment that lacks CI altogether.
    const sh = (cwd: string, command: string) => {
      const result = spawnSync('sh', ['-c', command], { cwd, env: agentEnv, encoding: 'utf8', stdio: ['pipe', 'pipe', 'pipe'] });
      return { code: result.status ?? 1, stdout: result.stdout, stderr: result.stderr };
    };
    const json = (cwd: string, command: string) => {
      const result = sh(cwd, command);
      expect(result.code, `${command}\n${result.stderr}`).toBe(0);
      return parseJson(result.stdout);
    };

    expect(json(project.main, 'pwt context --json').kind).toBe('main');
    const created = json(project.main, 'pwt create fix-login --goal "Fix the login timeout" --goal "Add a test" --json');
    const session = created.path as string;
    const context = json(session, 'pwt context --json');
    expect(context.kind).toBe('session');
    expect(context.session.goals).toEqual(['Fix the login timeout', 'Add a test']);
    expect(json(project.main, 'pwt status --json').sessions.map((s: { id: string }) => s.id)).toEqual(['fix-login']);

    writeFileSync(join(session, 'login.txt'), 'fixed\n');
    const plan = json(session, 'pwt remove fix-login --strategy keep --commit "Fix login timeout" --dry-run --json');
    expect(plan.dryRun).toBe(true);
    expect(existsSync(session)).toBe(true);
    const done = json(session, 'cd "$(pwt path)" && pwt remove fix-login --strategy keep --yes --commit "Fix login timeout" --json');
    expect(done.dryRun).toBe(false);
    expect(done.actions.length).toBeGreaterThan(0);
    expect(existsSync(session)).toBe(false);
    expect(project.sandbox.git(project.main, 'log', '-1', '--format=%s', 'session/fix-login').trim()).toBe('Fix login timeout');
    expect(json(project.main, 'pwt status --json').sessions).toEqual([]);
  }, 60_000);
});
