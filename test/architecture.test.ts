import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { PWT_ENV } from '../src/core/infra/env.js';

/**
 * The layout's rules, checked on the source text (docs/architecture.md):
 * imports go down the rank map, with no cycle between files or folders, only src/ui/
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

/**
 * Every module a file imports: static, re-exported, type-only or dynamic
 * (`import('./x.js')`, also split over lines), relative ones resolved to
 * paths under src/. Comment lines are left out.
 */
function importsOf(source: Source): { line: number; target: string }[] {
  const text = source.lines.map((line) => (isComment(line) ? '' : line)).join('\n');
  const found: { line: number; target: string }[] = [];
  for (const match of text.matchAll(/(?:\bfrom\s+|\bimport\s*\(\s*|^\s*import\s+)['"]([^'"]+)['"]/gm)) {
    const spec = match[1]!;
    const target = spec.startsWith('.')
      ? relative(SRC, resolve(SRC, dirname(source.file), spec))
          .split('\\')
          .join('/')
          .replace(/\.js$/, '.ts')
      : spec;
    found.push({ line: text.slice(0, match.index).split('\n').length, target });
  }
  return found;
}

function violations(check: (source: Source) => string[]): string[] {
  return ALL.flatMap(check);
}

/**
 * The rank map (docs/architecture.md "Layers"): every folder of src/, lowest
 * first. A file imports only from its own rank or lower ones, and folders of
 * one rank never import each other in a circle (the cycle tests below). A
 * folder's files belong to the longest entry that holds them: core/agents/
 * holds the files beside vendors/ and runtime/ (lookup, handoff, transcripts),
 * while core/agents/runs/ is an entry of its own, ranked above sessions/ (a run
 * starts and ends sessions) though the rest of core/agents/ sits below it.
 */
const RANKS: string[][] = [
  ['core/infra'],
  ['core/git', 'core/gh', 'core/tmux', 'core/sh', 'core/ssh'],
  ['core/manifest', 'core/project', 'core/workflow'],
  ['core/hosts'],
  ['core/agents/vendors'],
  ['core/agents/admission'],
  ['core/agents'],
  ['core/agents/runtime'],
  ['core/agents/scheduler'],
  ['core/sessions'],
  ['core/agents/runs', 'core/hooks', 'core/shell', 'core/templates', 'core/land'],
  ['core/doctor'],
  ['core/mcp'],
  ['ui'],
  ['commands'],
  ['main.ts', 'cli.ts', 'status-main.ts', 'agent-list-main.ts'],
];
const FOLDERS = RANKS.flat().sort((a, b) => b.length - a.length);
/** The rank-map entry a file belongs to, or null when the map misses it. */
const folderOf = (file: string): string | null => FOLDERS.find((folder) => inside(file, folder)) ?? null;
const rankOf = (folder: string): number => RANKS.findIndex((group) => group.includes(folder));

/** Every import between two files of src/, relative ones only (what can form a cycle). */
const EDGES = ALL.flatMap((source) =>
  importsOf(source)
    .filter(({ target }) => target.endsWith('.ts') && ALL.some((other) => other.file === target))
    .map(({ line, target }) => ({ from: source.file, line, to: target })),
);

/** Strongly connected components of more than one node (Tarjan): each is a set of nodes that import each other in a circle. */
function cycles(nodes: string[], next: (node: string) => string[]): string[][] {
  let counter = 0;
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const found: string[][] = [];
  const visit = (node: string): void => {
    index.set(node, counter);
    low.set(node, counter);
    counter++;
    stack.push(node);
    onStack.add(node);
    for (const other of next(node)) {
      if (!index.has(other)) {
        visit(other);
        low.set(node, Math.min(low.get(node)!, low.get(other)!));
      } else if (onStack.has(other)) low.set(node, Math.min(low.get(node)!, index.get(other)!));
    }
    if (low.get(node) === index.get(node)) {
      const component: string[] = [];
      let top: string;
      do {
        top = stack.pop()!;
        onStack.delete(top);
        component.push(top);
      } while (top !== node);
      if (component.length > 1) found.push(component.sort());
    }
  };
  for (const node of nodes) if (!index.has(node)) visit(node);
  return found;
}

/**
 * File cycles waiting for a rework that is under way, each with its reason.
 * Remove an entry when its cycle is gone (the test says so).
 */
const KNOWN_FILE_CYCLES: Record<string, string> = {};

describe('architecture', () => {
  it('finds the sources', () => {
    expect(ALL.length).toBeGreaterThan(50);
    expect(ALL.some((source) => source.file === 'core/infra/process.ts')).toBe(true);
  });

  it('core imports neither commands/ nor ui/', () => {
    const bad = violations((source) =>
      inside(source.file, 'core')
        ? importsOf(source)
            .filter(({ target }) => inside(target, 'commands', 'ui'))
            .map(
              ({ line, target }) =>
                `src/${source.file}:${line} imports src/${target}: core returns notes (infra/notes.ts) and asks through infra/ask.ts instead`,
            )
        : [],
    );
    expect(bad, bad.join('\n')).toEqual([]);
  });

  it('every file of src/ has a place in the rank map', () => {
    const bad = ALL.filter((source) => folderOf(source.file) === null).map(
      (source) => `src/${source.file} is in no folder of the rank map: add its folder to RANKS here and to docs/architecture.md "Layers"`,
    );
    expect(bad, bad.join('\n')).toEqual([]);
  });

  it('imports go down the rank map (infra; doors; manifest, project, workflow; hosts; agents/vendors; agents/admission; agents; agents/runtime; agents/scheduler; sessions; agents/runs, hooks, shell, templates, land; doctor; mcp; ui; commands), dynamic import() included', () => {
    const bad = EDGES.flatMap(({ from, line, to }) => {
      const a = folderOf(from);
      const b = folderOf(to);
      if (a === null || b === null || rankOf(b) <= rankOf(a)) return [];
      return [`src/${from}:${line} imports src/${to}: ${b}/ ranks above ${a}/ (move the shared piece down, or the caller up)`];
    });
    expect(bad, bad.join('\n')).toEqual([]);
  });

  it('no two folders import each other, even through others', () => {
    const next = new Map<string, Set<string>>();
    for (const { from, to } of EDGES) {
      const a = folderOf(from);
      const b = folderOf(to);
      if (a && b && a !== b) next.set(a, (next.get(a) ?? new Set()).add(b));
    }
    const found = cycles([...next.keys()], (folder) => [...(next.get(folder) ?? [])]);
    const bad = found.map((circle) => {
      const edges = EDGES.filter(({ from, to }) => circle.includes(folderOf(from)!) && circle.includes(folderOf(to)!) && folderOf(from) !== folderOf(to));
      return `folders ${circle.join(' <-> ')} import each other:\n${edges.map(({ from, line, to }) => `  src/${from}:${line} imports src/${to}`).join('\n')}`;
    });
    expect(bad, bad.join('\n')).toEqual([]);
  });

  it('no two files import each other, even through others', () => {
    const next = new Map<string, string[]>();
    for (const { from, to } of EDGES) next.set(from, [...(next.get(from) ?? []), to]);
    const found = cycles(
      ALL.map((source) => source.file),
      (file) => next.get(file) ?? [],
    ).map((circle) => circle.join(' <-> '));
    const bad = found.filter((circle) => !(circle in KNOWN_FILE_CYCLES)).map((circle) => `files import each other: ${circle}`);
    const gone = Object.keys(KNOWN_FILE_CYCLES)
      .filter((circle) => !found.includes(circle))
      .map((circle) => `${circle} is no cycle any more: remove it from KNOWN_FILE_CYCLES`);
    expect([...bad, ...gone], [...bad, ...gone].join('\n')).toEqual([]);
  });

  it('only src/ui/ writes to stdout or stderr (the entry src/cli.ts answers `pwt path` and prints the final error line)', () => {
    const writes = /process\.(stdout|stderr)\.write\b|\bconsole\.(log|info|warn|error|debug)\b|\bwriteSync\(\s*[12]\b|from ['"]consola/;
    const bad = violations((source) =>
      inside(source.file, 'ui') || source.file === 'cli.ts'
        ? []
        : source.lines.flatMap((text, index) =>
            !isComment(text) && writes.test(text)
              ? [`src/${source.file}:${index + 1} writes for people: use src/ui/log.ts (commands) or infra/notes.ts (core)`]
              : [],
          ),
    );
    expect(bad, bad.join('\n')).toEqual([]);
  });

  it('only infra/process.ts and the doors (git/, gh/, tmux/, sh/, ssh/) start processes', () => {
    const spawns = /\b(Bun\.spawn|Bun\.\$)\b/;
    const doors = ['core/infra/process.ts', 'core/git', 'core/gh', 'core/tmux', 'core/sh', 'core/ssh'];
    const bad = violations((source) => {
      if (inside(source.file, ...doors)) return [];
      const viaImport = importsOf(source)
        .filter(
          ({ target }) =>
            /^(node:)?child_process$|^execa$/.test(target) ||
            (target === 'zx' && !source.lines.some((text) => /import\(['"]zx['"]\)/.test(text) && /\bspinner\b/.test(text))),
        )
        .map(({ line, target }) => `src/${source.file}:${line} imports ${target}: run programs through infra/process.ts or a door`);
      const viaGlobal = source.lines.flatMap((text, index) =>
        !isComment(text) && spawns.test(text) ? [`src/${source.file}:${index + 1} spawns: run programs through infra/process.ts or a door`] : [],
      );
      return [...viaImport, ...viaGlobal];
    });
    expect(bad, bad.join('\n')).toEqual([]);
  });

  it('only the entry src/cli.ts ends the process or sets its exit code', () => {
    const exits = /\bprocess\.exit\(|\bprocess\.exitCode\s*=/;
    const allowed = new Set(['cli.ts']);
    const bad = violations((source) =>
      allowed.has(source.file)
        ? []
        : source.lines.flatMap((text, index) =>
            !isComment(text) && exits.test(text) ? [`src/${source.file}:${index + 1} exits: throw a PwtError and let src/cli.ts set the exit code`] : [],
          ),
    );
    expect(bad, bad.join('\n')).toEqual([]);
  });

  it('the MCP SDK loads only for pwt mcp: imported under core/mcp/ alone, by files that others load with import()', () => {
    const usesSdk = new Set(
      ALL.filter((source) => importsOf(source).some(({ target }) => target.startsWith('@modelcontextprotocol/'))).map((source) => source.file),
    );
    const bad = violations((source) =>
      importsOf(source).flatMap(({ line, target }) => {
        if (target.startsWith('@modelcontextprotocol/') && !inside(source.file, 'core/mcp'))
          return [`src/${source.file}:${line} imports ${target}: only core/mcp/ uses the MCP SDK`];
        const dynamic = /\bimport\(/.test(source.lines[line - 1]!);
        if (usesSdk.has(target) && !inside(source.file, 'core/mcp') && !dynamic)
          return [`src/${source.file}:${line} imports src/${target} statically: load it with import() so other commands never pay for the MCP SDK`];
        return [];
      }),
    );
    expect(usesSdk.size).toBeGreaterThan(0);
    expect(bad, bad.join('\n')).toEqual([]);
  });

  it('every PWT_* variable named in src/ is documented in src/core/infra/env.ts', () => {
    const known = new Set<string>(Object.values(PWT_ENV));
    const bad = violations((source) =>
      source.file === 'core/infra/env.ts'
        ? []
        : source.lines.flatMap((text, index) =>
            [...text.matchAll(/\bPWT_[A-Z][A-Z_]*\b/g)]
              .filter((match) => match[0] !== 'PWT_ENV' && !known.has(match[0]))
              .map((match) => `src/${source.file}:${index + 1} names ${match[0]}, which src/core/infra/env.ts does not document`),
          ),
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

  it('a file a comment cites exists (docs/..., src/..., core/..., ./name.ts)', () => {
    const ROOT = resolve(SRC, '..');
    const bad = violations((source) =>
      source.lines.flatMap((text, index) => {
        if (!isComment(text)) return [];
        return [...text.matchAll(/(?<![\w/.-])((?:docs|src|test|core|hooks|shell|scripts|bench)\/[\w./-]*\w\.(?:ts|md|sh|mjs|cjs)|\.\/[\w.-]+\.ts)\b/g)]
          .map((match) => match[1]!)
          .filter((cited) => {
            const where = cited.startsWith('./')
              ? resolve(SRC, dirname(source.file), cited)
              : cited.startsWith('core/')
                ? resolve(SRC, cited)
                : resolve(ROOT, cited);
            return !existsSync(where);
          })
          .map((cited) => `src/${source.file}:${index + 1} cites ${cited}, which does not exist`);
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
    const vitestOnly =
      /\bvi\.|\.toMatch(Inline)?Snapshot\(|\.toSatisfy\(|expect\.(soft|poll)\(|\bonTest(Finished|Failed)\(|\b(it|describe|test)\.(skip|todo|only|concurrent|fails|runIf|skipIf)\b/;
    const bad = files(TEST).flatMap((path) => {
      const name = relative(TEST, path);
      if (name === 'architecture.test.ts') return [];
      const text = readFileSync(path, 'utf8');
      const imported = [...text.matchAll(/import\s*\{([^}]*)\}\s*from\s*'vitest'/g)].flatMap((match) =>
        match[1]!
          .split(',')
          .map((part) => part.trim().split(/\s+/)[0]!)
          .filter(Boolean),
      );
      const problems = imported
        .filter((what) => !allowed.has(what))
        .map((what) => `test/${name} imports ${what} from vitest: keep to describe, it, expect and the four hooks so bun test runs it too`);
      text.split('\n').forEach((line, index) => {
        if (vitestOnly.test(line) && !isComment(line)) problems.push(`test/${name}:${index + 1} uses a vitest-only API: bun test does not run it the same way`);
        if (/process\.execPath/.test(line) && name !== 'helpers/sandbox.ts' && !isComment(line))
          problems.push(`test/${name}:${index + 1} runs process.execPath (bun under bun test): run pwt with NODE from test/helpers/sandbox.ts`);
      });
      return problems;
    });
    expect(bad, bad.join('\n')).toEqual([]);
  });
});
