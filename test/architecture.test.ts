import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { PWT_ENV } from '../src/core/infra/env.js';

/**
 * The layout's rules, checked on the source text (docs/architecture.md):
 * imports go one way (infra <- doors <- domain <- commands/ui), only src/ui/
 * writes for people, only infra/process.ts and the doors start processes, only the entry exits.
 * Each failure names the file, the line and the rule.
 */
const SRC = resolve(import.meta.dirname, '../src');

interface Source {
  file: string; // relative to src/, with forward slashes
  lines: string[];
}

function sources(dir = SRC): Source[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sources(path);
    if (!entry.name.endsWith('.ts')) return [];
    return [{ file: relative(SRC, path).split('\\').join('/'), lines: readFileSync(path, 'utf8').split('\n') }];
  });
}

const ALL = sources();
const inside = (file: string, ...folders: string[]) => folders.some((folder) => file === folder || file.startsWith(`${folder}/`));
/** Code, not comments: a line that is only a comment says nothing about behaviour. */
const isComment = (line: string) => /^\s*(\/\/|\*|\/\*)/.test(line);

/** Every module a file imports (static, re-exported or dynamic), relative ones resolved to paths under src/. */
function importsOf(source: Source): { line: number; target: string }[] {
  const found: { line: number; target: string }[] = [];
  source.lines.forEach((text, index) => {
    if (isComment(text)) return;
    for (const match of text.matchAll(/(?:\bfrom\s+|\bimport\s*\(\s*|^\s*import\s+)['"]([^'"]+)['"]/g)) {
      const spec = match[1]!;
      const target = spec.startsWith('.') ? relative(SRC, resolve(SRC, dirname(source.file), spec)).split('\\').join('/').replace(/\.js$/, '.ts') : spec;
      found.push({ line: index + 1, target });
    }
  });
  return found;
}

function violations(check: (source: Source) => string[]): string[] {
  return ALL.flatMap(check);
}

const LAYERS: Record<string, number> = { infra: 0, git: 1, gh: 1, tmux: 1, sh: 1, ssh: 1 };
const layerOf = (file: string): number | null => {
  const folder = /^core\/([^/]+)\//.exec(file)?.[1];
  if (!folder) return null;
  return LAYERS[folder] ?? 2;
};

describe('architecture', () => {
  it('finds the sources', () => {
    expect(ALL.length).toBeGreaterThan(50);
    expect(ALL.some((source) => source.file === 'core/infra/process.ts')).toBe(true);
  });

  it('core imports neither commands/ nor ui/', () => {
    const bad = violations((source) =>
      inside(source.file, 'core')
        ? importsOf(source).filter(({ target }) => inside(target, 'commands', 'ui')).map(({ line, target }) => `src/${source.file}:${line} imports src/${target}: core returns notes (infra/notes.ts) and asks through infra/ask.ts instead`)
        : [],
    );
    expect(bad, bad.join('\n')).toEqual([]);
  });

  it('core imports one way: infra <- doors (git, gh, tmux, sh) <- domain', () => {
    const bad = violations((source) => {
      const from = layerOf(source.file);
      if (from === null) return [];
      return importsOf(source)
        .filter(({ target }) => {
          const to = layerOf(target);
          return to !== null && to > from;
        })
        .map(({ line, target }) => `src/${source.file}:${line} imports src/${target}, a higher layer (infra <- git/gh/tmux/sh <- the rest)`);
    });
    expect(bad, bad.join('\n')).toEqual([]);
  });

  it('only src/ui/ writes to stdout or stderr (the entry src/cli.ts answers `pwt path` and prints the final error line)', () => {
    const writes = /process\.(stdout|stderr)\.write\b|\bconsole\.(log|info|warn|error|debug)\b|\bwriteSync\(\s*[12]\b|from ['"]consola/;
    const bad = violations((source) =>
      inside(source.file, 'ui') || source.file === 'cli.ts'
        ? []
        : source.lines.flatMap((text, index) => (!isComment(text) && writes.test(text) ? [`src/${source.file}:${index + 1} writes for people: use src/ui/log.ts (commands) or infra/notes.ts (core)`] : [])),
    );
    expect(bad, bad.join('\n')).toEqual([]);
  });

  it('only infra/process.ts and the doors (git/, gh/, tmux/, sh/, ssh/) start processes', () => {
    const spawns = /\b(Bun\.spawn|Bun\.\$)\b/;
    const doors = ['core/infra/process.ts', 'core/git', 'core/gh', 'core/tmux', 'core/sh', 'core/ssh'];
    const bad = violations((source) => {
      if (inside(source.file, ...doors)) return [];
      const viaImport = importsOf(source)
        .filter(({ target }) => /^(node:)?child_process$|^execa$/.test(target) || (target === 'zx' && !source.lines.some((text) => /import\(['"]zx['"]\)/.test(text) && /\bspinner\b/.test(text))))
        .map(({ line, target }) => `src/${source.file}:${line} imports ${target}: run programs through infra/process.ts or a door`);
      const viaGlobal = source.lines.flatMap((text, index) => (!isComment(text) && spawns.test(text) ? [`src/${source.file}:${index + 1} spawns: run programs through infra/process.ts or a door`] : []));
      return [...viaImport, ...viaGlobal];
    });
    expect(bad, bad.join('\n')).toEqual([]);
  });

  it('only the entry src/cli.ts ends the process or sets its exit code', () => {
    const exits = /\bprocess\.exit\(|\bprocess\.exitCode\s*=/;
    const allowed = new Set(['cli.ts']);
    const bad = violations((source) =>
      allowed.has(source.file) ? [] : source.lines.flatMap((text, index) => (!isComment(text) && exits.test(text) ? [`src/${source.file}:${index + 1} exits: throw a PwtError and let src/cli.ts set the exit code`] : [])),
    );
    expect(bad, bad.join('\n')).toEqual([]);
  });

  it('the MCP SDK loads only for pwt mcp: imported under core/mcp/ alone, and that only by a dynamic import', () => {
    const bad = violations((source) =>
      importsOf(source).flatMap(({ line, target }) => {
        if (target.startsWith('@modelcontextprotocol/') && !inside(source.file, 'core/mcp')) return [`src/${source.file}:${line} imports ${target}: only core/mcp/ uses the MCP SDK`];
        const dynamic = new RegExp(`import\\(\\s*['"][^'"]*${target.split('/').pop()!.replace(/\.ts$/, '')}\\.js['"]`).test(source.lines[line - 1]!);
        if (inside(target, 'core/mcp') && !inside(source.file, 'core/mcp') && !dynamic) return [`src/${source.file}:${line} imports src/${target} statically: load it with import() so other commands never pay for the SDK`];
        return [];
      }),
    );
    expect(bad, bad.join('\n')).toEqual([]);
  });

  it('every PWT_* variable named in src/ is documented in src/core/infra/env.ts', () => {
    const known = new Set<string>(Object.values(PWT_ENV));
    const bad = violations((source) =>
      source.file === 'core/infra/env.ts'
        ? []
        : source.lines.flatMap((text, index) => [...text.matchAll(/\bPWT_[A-Z][A-Z_]*\b/g)].filter((match) => match[0] !== 'PWT_ENV' && !known.has(match[0])).map((match) => `src/${source.file}:${index + 1} names ${match[0]}, which src/core/infra/env.ts does not document`)),
    );
    expect(bad, bad.join('\n')).toEqual([]);
  });

  it('comments cite what a reader of the repository can open, and no linter that is not there', () => {
    const bad = violations((source) =>
      source.lines.flatMap((text, index) => {
        if (/\b(SPEC|STYLE)\b/.test(text)) return [`src/${source.file}:${index + 1} cites a document outside the repository: say it in docs/ and cite that`];
        if (/eslint-disable/.test(text)) return [`src/${source.file}:${index + 1} disables a linter this repository does not run`];
        return [];
      }),
    );
    expect(bad, bad.join('\n')).toEqual([]);
  });

  it('tests use only what vitest and bun test both have', () => {
    const TEST = resolve(import.meta.dirname);
    const files = (dir: string): string[] =>
      readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
        const path = join(dir, entry.name);
        if (entry.isDirectory()) return entry.name === 'fixtures' ? [] : files(path);
        return entry.name.endsWith('.ts') ? [path] : [];
      });
    const allowed = new Set(['describe', 'it', 'expect', 'beforeAll', 'afterAll', 'beforeEach', 'afterEach', 'type']);
    const vitestOnly = /\bvi\.|\.toMatch(Inline)?Snapshot\(|\.toSatisfy\(|expect\.(soft|poll)\(|\bonTest(Finished|Failed)\(|\b(it|describe|test)\.(skip|todo|only|concurrent|fails|runIf|skipIf)\b/;
    const bad = files(TEST).flatMap((path) => {
      const name = relative(TEST, path);
      if (name === 'architecture.test.ts') return [];
      const text = readFileSync(path, 'utf8');
      const imported = [...text.matchAll(/import\s*\{([^}]*)\}\s*from\s*'vitest'/g)].flatMap((match) => match[1]!.split(',').map((part) => part.trim().split(/\s+/)[0]!).filter(Boolean));
      const problems = imported.filter((what) => !allowed.has(what)).map((what) => `test/${name} imports ${what} from vitest: keep to describe, it, expect and the four hooks so bun test runs it too`);
      text.split('\n').forEach((line, index) => {
        if (vitestOnly.test(line) && !isComment(line)) problems.push(`test/${name}:${index + 1} uses a vitest-only API: bun test does not run it the same way`);
        if (/process\.execPath/.test(line) && name !== 'helpers/sandbox.ts' && !isComment(line)) problems.push(`test/${name}:${index + 1} runs process.execPath (bun under bun test): run pwt with NODE from test/helpers/sandbox.ts`);
      });
      return problems;
    });
    expect(bad, bad.join('\n')).toEqual([]);
  });
});
