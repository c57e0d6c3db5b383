import { fillBody, skillName, type Template } from './templates.js';

/**
 * Where and how each agent reads custom commands, checked against the
 * vendors' docs and the CLIs pwt is tested with (the table in docs/templates.md):
 *
 * - claude: `.claude/commands/<name>.md`, YAML frontmatter `description`,
 *   `argument-hint`; `$ARGUMENTS` is the text after the command
 *   (docs.claude.com/en/docs/claude-code/slash-commands). The file name,
 *   dots included, is the command: `/dev-session.start`.
 * - gemini: `.gemini/commands/<name>.toml` with `prompt` (required) and
 *   `description`; `{{args}}` is the text after the command
 *   (geminicli.com/docs/cli/custom-commands; gemini-cli 0.61 FileCommandLoader
 *   keeps `.` in names and validates exactly these two keys).
 * - codex: custom prompts (`$CODEX_HOME/prompts`) were deprecated on
 *   2026-01-14 and removed in codex 0.117 (openai/codex#15941); the 0.169 CLI
 *   reads Agent Skills from `<repo>/.agents/skills/<name>/SKILL.md`
 *   (frontmatter `name` = folder name, lowercase/digits/hyphens, and
 *   `description`; developers.openai.com/codex/skills). Invoked as `$name`.
 * - copilot: VS Code Copilot Chat reads `.github/prompts/<name>.prompt.md`
 *   (frontmatter `description`, `agent`, `argument-hint`;
 *   code.visualstudio.com/docs/copilot/customization/prompt-files). The
 *   Copilot CLI does not read prompt files (github/copilot-cli#618, #1004);
 *   1.0.102 loads skills from `.github/skills`, `.agents/skills` or
 *   `.claude/skills`, so copilot also gets the shared `.agents/skills` copy.
 * - cursor: `.cursor/commands/<name>.md`, plain Markdown (Cursor 1.6+; no
 *   frontmatter is read; the text after the command is sent along).
 * - opencode: `.opencode/commands/<name>.md`, frontmatter `description`,
 *   `$ARGUMENTS` (opencode.ai/docs/commands; 1.18 globs
 *   `{command,commands}/**\/*.md`, so the older `command/` works too).
 */
export const TEMPLATE_AGENTS = ['claude', 'codex', 'gemini', 'cursor', 'copilot', 'opencode'] as const;
export type TemplateAgent = (typeof TEMPLATE_AGENTS)[number];

export type FileFormat = 'markdown' | 'toml';

export interface AgentFile {
  /** Relative to the main worktree, `/`-separated. */
  path: string;
  format: FileFormat;
  template: Template['name'];
  /** The content before pwt's marker line is added. */
  content: string;
}

const yamlString = (text: string) => JSON.stringify(text); // a JSON string is a valid YAML double-quoted scalar
const tomlString = (text: string) => JSON.stringify(text); // ... and a valid TOML basic string (\n, \", \\, \uXXXX)

/** TOML multi-line string: literal ('''...''', no escapes) unless the text contains '''. */
function tomlMultiline(text: string): string {
  if (!text.includes("'''")) return `'''\n${text}'''`;
  return `"""\n${text.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"""`;
}

const frontmatter = (fields: Record<string, string>) =>
  `---\n${Object.entries(fields)
    .filter(([, value]) => value !== '')
    .map(([key, value]) => `${key}: ${key === 'name' || key === 'agent' ? value : yamlString(value)}`)
    .join('\n')}\n---\n`;

const AFTER_COMMAND = '(the text the user typed after the command, if any)';
const slash = (name: string) => `\`/${name}\``;
const skill = (name: string) => `the \`${skillName(name)}\` skill`;

type Render = (template: Template) => AgentFile[];

const renderers: Record<TemplateAgent, Render> = {
  claude: (t) => [
    {
      path: `.claude/commands/${t.name}.md`,
      format: 'markdown',
      template: t.name,
      content: frontmatter({ description: t.description, 'argument-hint': t.argumentHint }) + fillBody(t.body, '$ARGUMENTS', slash),
    },
  ],
  opencode: (t) => [
    {
      path: `.opencode/commands/${t.name}.md`,
      format: 'markdown',
      template: t.name,
      content: frontmatter({ description: t.description }) + fillBody(t.body, '$ARGUMENTS', slash),
    },
  ],
  gemini: (t) => [
    {
      path: `.gemini/commands/${t.name}.toml`,
      format: 'toml',
      template: t.name,
      content: `description = ${tomlString(t.description)}\nprompt = ${tomlMultiline(fillBody(t.body, '{{args}}', slash))}\n`,
    },
  ],
  cursor: (t) => [{ path: `.cursor/commands/${t.name}.md`, format: 'markdown', template: t.name, content: fillBody(t.body, AFTER_COMMAND, slash) }],
  codex: (t) => [skillFile(t)],
  copilot: (t) => [
    {
      path: `.github/prompts/${t.name}.prompt.md`,
      format: 'markdown',
      template: t.name,
      content: frontmatter({ description: t.description, agent: 'agent', 'argument-hint': t.argumentHint }) + fillBody(t.body, AFTER_COMMAND, slash),
    },
    skillFile(t),
  ],
};

/** One Agent Skill shared by Codex and the Copilot CLI. */
function skillFile(t: Template): AgentFile {
  const name = skillName(t.name);
  return {
    path: `.agents/skills/${name}/SKILL.md`,
    format: 'markdown',
    template: t.name,
    content: frontmatter({ name, description: t.description }) + fillBody(t.body, '(the text the user gave with this skill, if any)', skill),
  };
}

export const filesFor = (agent: TemplateAgent, templates: Template[]): AgentFile[] => templates.flatMap(renderers[agent]);
