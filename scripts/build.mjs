// Bundles src/ into dist/ with esbuild: one entry plus lazily loaded chunks
// instead of dozens of modules, because every module Node resolves on startup
// costs time and `pwt path` / the hooks must start fast. Type checking is
// `tsc --noEmit` (npm run typecheck), which `npm test` runs first.
//
// Files are written atomically, chunks before the entry, and old chunks are
// only removed once they are a few minutes stale: a pwt process started from
// the previous build can still load its chunks while a rebuild runs.
import { build } from 'esbuild';
import { mkdirSync, readdirSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';

const dist = new URL('../dist', import.meta.url).pathname;
// The entry (bin) is CommonJS so `pwt path` skips Node's ESM loader start-up
// (see src/cli.ts); it loads the ESM dispatcher dist/main.js for the rest.
const shared = { bundle: true, platform: 'node', target: 'node20', logLevel: 'warning', write: false };
const entry = await build({
  ...shared,
  entryPoints: ['src/cli.ts'],
  outfile: 'dist/cli.cjs',
  format: 'cjs',
  external: ['./main.js', './status-main.js', './agent-list-main.cjs'],
  banner: { js: '#!/usr/bin/env node' },
});
const esm = {
  ...shared,
  format: 'esm',
  // Native or CommonJS-heavy packages stay outside the bundle and load from node_modules.
  // react-devtools-core: Ink imports it only when DEV=true (never in pwt).
  external: ['better-sqlite3', 'proper-lockfile', 'zx', 'zx/*', 'react-devtools-core'],
  // React (bundled for `pwt watch` only) picks its production build by this at run time; fix it at build time.
  define: { 'process.env.NODE_ENV': '"production"' },
  // CommonJS packages bundled into ES modules (Ink's signal-exit) call require() for Node built-ins: give them one.
  banner: { js: "import { createRequire as __pwtCreateRequire } from 'node:module'; const require = __pwtCreateRequire(import.meta.url);" },
};
const result = await build({ ...esm, entryPoints: ['src/main.ts'], outdir: 'dist', splitting: true, chunkNames: 'chunks/[name]-[hash]' });
// `pwt status` and `pwt agent list` as entries of their own, built apart (src/status-main.ts): a few files with
// what each needs on every run load in less time than the dispatcher and its dozens of shared chunks (measured;
// see README "Speed"). What they import lazily (hosts, usage) stays in chunks of their own, loaded only when needed.
const readEntries = await Promise.all(
  ['status'].map((name) =>
    build({ ...esm, entryPoints: [`src/${name}-main.ts`], outdir: 'dist', splitting: true, chunkNames: `chunks/${name}-[name]-[hash]` }),
  ),
);
// `pwt agent list` is one CommonJS file, required by the entry: no ESM loader start and no chunk files to resolve
// (measured: README "Speed"). What it imports lazily (adapters, hosts) is bundled in, compiled only if called.
readEntries.push(
  await build({
    ...shared,
    entryPoints: ['src/agent-list-main.ts'],
    outfile: 'dist/agent-list-main.cjs',
    format: 'cjs',
    // No import() left in it (a vm script, as src/core/infra/code-cache.ts runs it, cannot load ES modules): require.
    supported: { 'dynamic-import': false },
    external: esm.external,
    define: { ...esm.define, 'import.meta.url': '__pwtImportMetaUrl' },
    banner: { js: "const __pwtImportMetaUrl = require('node:url').pathToFileURL(__filename).href;" },
  }),
);

// Chunks first, then main.js, then the entry: a pwt starting mid-build finds a consistent set.
const rank = (path) => (path.endsWith('cli.cjs') ? 2 : /main\.c?js$/.test(path) ? 1 : 0);
const outputs = [...result.outputFiles, ...readEntries.flatMap((each) => each.outputFiles), ...entry.outputFiles].sort((a, b) => rank(a.path) - rank(b.path));
for (const file of outputs) {
  mkdirSync(dirname(file.path), { recursive: true });
  const temp = `${file.path}.${process.pid}.tmp`;
  writeFileSync(temp, file.contents, { mode: rank(file.path) === 2 ? 0o755 : 0o644 });
  renameSync(temp, file.path);
}

const fresh = new Set(outputs.map((file) => relative(dist, file.path)));
const staleAfterMs = 5 * 60_000;
for (const name of readdirSync(join(dist, 'chunks'))) {
  const file = join(dist, 'chunks', name);
  if (!fresh.has(join('chunks', name)) && Date.now() - statSync(file).mtimeMs > staleAfterMs) rmSync(file, { force: true });
}
