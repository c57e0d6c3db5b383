import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { filesFor, type AgentFile, type FileFormat, type TemplateAgent } from './agents.js';
import { loadTemplates } from './templates.js';

/**
 * `pwt templates install`: writes each agent's copy of the prompts, never
 * overwriting a copy the user edited. Every file pwt writes ends (Markdown)
 * or starts (TOML) with a marker line holding the SHA-256 of the rest of the
 * file, so a later install can tell three cases apart: identical to what pwt
 * would write now (up to date), still exactly what an older pwt wrote
 * (safe to update), or changed by someone (kept unless --force).
 */
export type FileStatus = 'created' | 'updated' | 'up-to-date' | 'kept-edited' | 'overwritten';

export interface InstalledFile {
  path: string;
  absolutePath: string;
  agents: TemplateAgent[];
  template: string;
  status: FileStatus;
}

const MARKER = /^(?:<!-- |# )pwt-template (\S+) sha256:([0-9a-f]{64})(?: .*)?$\n?/m;
const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

/** The file as pwt writes it: content plus the marker line. */
export function withMarker(file: Pick<AgentFile, 'format' | 'template' | 'content'>): string {
  const content = file.content.endsWith('\n') ? file.content : `${file.content}\n`;
  const marker = `pwt-template ${file.template} sha256:${sha256(content)} (written by pwt templates install; edit freely, re-install keeps edited copies)`;
  if (file.format === 'toml') return `# ${marker}\n${content}`;
  return `${content}\n<!-- ${marker} -->\n`;
}

/** True when `text` is exactly what some pwt version wrote (its marker's hash matches the rest). */
export function isUneditedPwtFile(text: string, format: FileFormat): boolean {
  const match = text.match(MARKER);
  if (!match) return false;
  let rest = text.replace(MARKER, '');
  // The Markdown marker sits after one blank line, which is not part of the hashed content.
  if (format === 'markdown') rest = rest.replace(/\n$/, '');
  return sha256(rest) === match[2];
}

/** The files to write for these agents; a path shared by two agents (the skills) appears once. */
export function planFiles(agents: readonly TemplateAgent[]): (AgentFile & { agents: TemplateAgent[] })[] {
  const templates = loadTemplates();
  const byPath = new Map<string, AgentFile & { agents: TemplateAgent[] }>();
  for (const agent of agents) {
    for (const file of filesFor(agent, templates)) {
      const seen = byPath.get(file.path);
      if (seen) seen.agents.push(agent);
      else byPath.set(file.path, { ...file, agents: [agent] });
    }
  }
  return [...byPath.values()];
}

export function installTemplates(root: string, agents: readonly TemplateAgent[], options: { force?: boolean; dryRun?: boolean } = {}): InstalledFile[] {
  return planFiles(agents).map((file) => {
    const absolutePath = join(root, file.path);
    const wanted = withMarker(file);
    const existing = existsSync(absolutePath) ? readFileSync(absolutePath, 'utf8') : null;
    let status: FileStatus;
    if (existing === null) status = 'created';
    else if (existing === wanted) status = 'up-to-date';
    else if (isUneditedPwtFile(existing, file.format)) status = 'updated';
    else status = options.force ? 'overwritten' : 'kept-edited';
    if (!options.dryRun && status !== 'up-to-date' && status !== 'kept-edited') {
      mkdirSync(dirname(absolutePath), { recursive: true });
      writeFileSync(absolutePath, wanted);
    }
    return { path: file.path, absolutePath, agents: file.agents, template: file.template, status };
  });
}
