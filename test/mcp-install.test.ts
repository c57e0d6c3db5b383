import { existsSync, mkdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { parse as parseToml } from 'smol-toml';
import { afterEach, describe, expect, it } from 'vitest';
import { CLI, makeProject, parseJson, type Project } from './helpers/sandbox.js';
import { CODEX_FORWARDED_ENV } from '../src/core/agents/mcp-clients.js';

/**
 * `pwt mcp install <client> [--uninstall] [--global]` on real files: pwt's
 * entry is added where each client reads its MCP servers, the user's other
 * servers and settings stay as they were (TOML comments included), a second
 * install changes nothing, --uninstall gives back the file as it was, and a
 * file pwt cannot read is refused untouched. The clients reading these files
 * themselves is test/agents/mcp-clients.e2e.test.ts.
 */
let project: Project;
afterEach(() => project?.sandbox.cleanup(), 60_000);

/** pwt on PATH as npm links it (a symlink to the CLI), so the entries say `pwt`. */
function withPwtOnPath(): NodeJS.ProcessEnv {
  const bin = join(project.sandbox.root, 'bin');
  mkdirSync(bin, { recursive: true });
  symlinkSync(CLI, join(bin, 'pwt'));
  return { PATH: `${bin}:${project.sandbox.env.PATH ?? ''}` };
}

const pwt = (args: string[], env: NodeJS.ProcessEnv = {}) => project.sandbox.pwt(project.main, args, env);
const write = (path: string, text: string) => {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, text);
};

interface Case {
  client: string;
  file: string;
  original: string;
  read: (text: string) => any;
  /** The servers object in the parsed file. */
  servers: (data: any) => any;
  entry: unknown;
}

const other = { command: 'other-server', args: ['--flag'] };
const CASES = (main: string): Case[] => [
  {
    client: 'claude',
    file: join(main, '.mcp.json'),
    original: `${JSON.stringify({ mcpServers: { other: { type: 'stdio', ...other } } }, null, 2)}\n`,
    read: JSON.parse,
    servers: (data) => data.mcpServers,
    entry: { type: 'stdio', command: 'pwt', args: ['mcp'], env: {} },
  },
  {
    client: 'codex',
    file: join(main, '.codex', 'config.toml'),
    original:
      '# my codex settings\nmodel = "o3"\n\n[mcp_servers.other]\ncommand = "other-server" # keep me\nargs = ["--flag"]\n\n[tui]\nscreen_reader_detection_done = true\n',
    read: parseToml,
    servers: (data) => data.mcp_servers,
    entry: { command: 'pwt', args: ['mcp'], env_vars: [...CODEX_FORWARDED_ENV] },
  },
  {
    client: 'gemini',
    file: join(main, '.gemini', 'settings.json'),
    original: JSON.stringify({ theme: 'dark', mcpServers: { other } }),
    read: JSON.parse,
    servers: (data) => data.mcpServers,
    entry: { command: 'pwt', args: ['mcp'] },
  },
  {
    client: 'copilot',
    file: join(main, '.github', 'mcp.json'),
    original: JSON.stringify({ mcpServers: { other: { type: 'local', ...other, tools: ['*'] } } }),
    read: JSON.parse,
    servers: (data) => data.mcpServers,
    entry: { type: 'local', command: 'pwt', args: ['mcp'], tools: ['*'] },
  },
  {
    client: 'opencode',
    file: join(main, 'opencode.json'),
    original: JSON.stringify({ $schema: 'https://opencode.ai/config.json', mcp: { other: { type: 'local', command: ['other-server'], enabled: true } } }),
    read: JSON.parse,
    servers: (data) => data.mcp,
    entry: { type: 'local', command: ['pwt', 'mcp'], enabled: true },
  },
];

describe('pwt mcp install', () => {
  it("adds pwt beside the user's other servers for each client, changes nothing the second time, and --uninstall gives the file back", () => {
    project = makeProject();
    const env = withPwtOnPath();
    for (const each of CASES(project.main)) {
      // copilot reads .mcp.json when there is one (claude's, above), else .github/mcp.json.
      if (each.client === 'copilot') rmSync(join(project.main, '.mcp.json'));
      write(each.file, each.original);
      const before = each.read(each.original);
      const added = pwt(['mcp', 'install', each.client], env);
      expect(added.code, added.stderr).toBe(0);
      expect(added.stdout).toBe('');
      expect(added.stderr).toContain(`Added pwt to ${each.file.slice(project.main.length + 1)} (${each.client}, this project): pwt mcp`);
      const after = each.read(readFileSync(each.file, 'utf8'));
      expect(each.servers(after).pwt, each.client).toEqual(each.entry);
      // Everything else as it was.
      delete each.servers(after).pwt;
      expect(after, each.client).toEqual(before);
      if (each.client === 'codex')
        expect(readFileSync(each.file, 'utf8')).toContain('# my codex settings\nmodel = "o3"\n\n[mcp_servers.other]\ncommand = "other-server" # keep me');

      const again = pwt(['mcp', 'install', each.client], env);
      expect(again.code).toBe(0);
      expect(again.stderr).toMatch(/already in .*nothing changed/);

      const removed = pwt(['mcp', 'install', each.client, '--uninstall'], env);
      expect(removed.code, removed.stderr).toBe(0);
      expect(removed.stderr).toMatch(/Removed pwt from .*its other servers stay/);
      const text = readFileSync(each.file, 'utf8');
      if (each.client === 'codex') expect(text).toBe(each.original);
      else expect(each.read(text)).toEqual(before);
      expect(pwt(['mcp', 'install', each.client, '--uninstall'], env).stderr).toMatch(/pwt is not in .*nothing changed/);
    }
  }, 90_000);

  it('creates the files it needs, names the flags the server gets, updates an old entry, and doctor says where pwt is', () => {
    project = makeProject();
    const env = withPwtOnPath();
    expect(pwt(['doctor', '--json'], env).stdout).toContain('not registered as an MCP server');
    expect(pwt(['mcp', 'install', 'claude'], env).code).toBe(0);
    expect(parseJson(readFileSync(join(project.main, '.mcp.json'), 'utf8')).mcpServers.pwt.args).toEqual(['mcp']);
    const updated = pwt(['mcp', 'install', 'claude', '--allow-end', '--check', 'npm test'], env);
    expect(updated.stderr).toContain('Updated pwt in .mcp.json (claude, this project): pwt mcp --allow-end --check npm test (was: pwt mcp)');
    expect(parseJson(readFileSync(join(project.main, '.mcp.json'), 'utf8')).mcpServers.pwt.args).toEqual(['mcp', '--allow-end', '--check', 'npm test']);
    // copilot reads .mcp.json when the project has one.
    expect(pwt(['mcp', 'install', 'copilot'], env).stderr).toContain('Updated pwt in .mcp.json (copilot, this project)');
    expect(pwt(['mcp', 'install', 'codex'], env).code).toBe(0);
    // codex passes a server only a few of its variables: pwt's entry names the ones that say which tmux server and which folders pwt uses.
    expect(readFileSync(join(project.main, '.codex', 'config.toml'), 'utf8')).toBe(
      `[mcp_servers.pwt]\ncommand = "pwt"\nargs = ["mcp"]\nenv_vars = [${CODEX_FORWARDED_ENV.map((name) => `"${name}"`).join(', ')}]\n`,
    );
    expect(pwt(['mcp', 'install', 'codex'], env).stderr).toMatch(/unchanged|already/i);
    const globalGemini = pwt(['mcp', 'install', 'gemini', '--global'], env);
    expect(globalGemini.stderr).toContain(`Added pwt to ${join(project.sandbox.home, '.gemini', 'settings.json')} (gemini, your user)`);
    const doctor = pwt(['doctor', '--json'], env);
    const check = parseJson(doctor.stdout).checks.find((each: any) => each.name === 'mcp');
    expect(check.detail).toBe(
      `registered for claude (.mcp.json), codex (.codex/config.toml), gemini (${join(project.sandbox.home, '.gemini', 'settings.json')}, user), copilot (.mcp.json)`,
    );

    // Without pwt on PATH the entry names this pwt's own path.
    const direct = project.sandbox.pwt(project.main, ['mcp', 'install', 'opencode']);
    expect(parseJson(readFileSync(join(project.main, 'opencode.json'), 'utf8')).mcp.pwt.command).toEqual([CLI, 'mcp']);
    expect(direct.code).toBe(0);
  }, 90_000);

  it('refuses a file it cannot read (untouched), pi (no MCP), an unknown client, and a missing one', () => {
    project = makeProject();
    const broken = '{ "mcpServers": { // a comment\n "other": {} } }\n';
    write(join(project.main, '.mcp.json'), broken);
    const refused = pwt(['mcp', 'install', 'claude']);
    expect(refused.code).toBe(3);
    expect(refused.stderr).toMatch(/\.mcp\.json is not plain JSON .*pwt will not rewrite it/);
    expect(readFileSync(join(project.main, '.mcp.json'), 'utf8')).toBe(broken);
    write(join(project.main, '.codex', 'config.toml'), 'mcp_servers = { pwt = { command = "x" } }\n');
    const inline = pwt(['mcp', 'install', 'codex']);
    expect(inline.code).toBe(3);
    expect(inline.stderr).toMatch(/in a form pwt does not edit/);
    write(join(project.main, '.gemini', 'settings.json'), 'not json');
    expect(pwt(['mcp', 'install', 'gemini']).code).toBe(3);
    const pi = pwt(['mcp', 'install', 'pi']);
    expect(pi.code).toBe(3);
    expect(pi.stderr).toMatch(/pi has no MCP support/);
    expect(pwt(['mcp', 'install', 'vim']).code).toBe(2);
    expect(pwt(['mcp', 'install']).code).toBe(2);
    expect(pwt(['mcp', 'uninstall', 'claude']).code).toBe(2);
    expect(existsSync(join(project.main, 'opencode.json'))).toBe(false);
  }, 60_000);
});
