import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { packageRoot } from '../infra/package-root.js';

/**
 * The workflow prompts in `templates/` at the package root (docs/templates.md; "Workflow
 * templates"), shipped in the npm package. Each has a
 * small frontmatter (description, argument-hint) and a body with two
 * placeholders that each agent's format fills in its own way:
 *   {{input}}          where the text the user typed after the command goes
 *   {{command:NAME}}   how the user invokes another of these prompts
 */
export const TEMPLATE_NAMES = ['dev-session.start', 'dev-session.end', 'parallel.status'] as const;
export type TemplateName = (typeof TEMPLATE_NAMES)[number];

export interface Template {
  name: TemplateName;
  description: string;
  argumentHint: string;
  /** Markdown after the frontmatter, placeholders unfilled. */
  body: string;
}

/** Parses `---\nkey: value\n---\n` (values plain or JSON-quoted); the rest is the body. */
export function parseFrontmatter(text: string): { fields: Record<string, string>; body: string } {
  const match = text.match(/^---\n([\s\S]*?)\n---\n/);
  if (!match) return { fields: {}, body: text };
  const fields: Record<string, string> = {};
  for (const line of (match[1] as string).split('\n')) {
    const pair = line.match(/^([A-Za-z][\w-]*):\s*(.*)$/);
    if (!pair) continue;
    const value = (pair[2] as string).trim();
    fields[pair[1] as string] = value.startsWith('"') ? (JSON.parse(value) as string) : value;
  }
  return { fields, body: text.slice(match[0].length) };
}

export function loadTemplate(name: TemplateName): Template {
  const text = readFileSync(join(packageRoot(), 'templates', `${name}.md`), 'utf8');
  const { fields, body } = parseFrontmatter(text);
  return { name, description: fields.description ?? name, argumentHint: fields['argument-hint'] ?? '', body };
}

export const loadTemplates = (): Template[] => TEMPLATE_NAMES.map(loadTemplate);

/** Fills the placeholders: `input` replaces {{input}}, `invoke(name)` replaces {{command:name}}. */
export function fillBody(body: string, input: string, invoke: (name: string) => string): string {
  return body.replaceAll('{{input}}', input).replace(/\{\{command:([\w.-]+)\}\}/g, (_, name: string) => invoke(name));
}

/** Agent Skills names allow lowercase letters, digits and hyphens only (agentskills.io, Codex's SKILL.md check). */
export const skillName = (name: string) => name.replace(/[^a-z0-9-]/g, '-');
