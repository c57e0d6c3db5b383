// Bundles src/ into dist/ with esbuild: one file per lazily loaded command
// chunk instead of dozens of modules, because every module Node resolves on
// startup costs time and `pwt path` / the hooks must start fast. Type checking
// is `tsc --noEmit` (npm run typecheck), run before this in `npm run build`.
import { build } from 'esbuild';
import { chmodSync, rmSync } from 'node:fs';

rmSync(new URL('../dist', import.meta.url), { recursive: true, force: true });
await build({
  entryPoints: ['src/cli.ts'],
  outdir: 'dist',
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  // Native or CommonJS-heavy packages stay outside the bundle and load from node_modules.
  packages: 'bundle',
  external: ['better-sqlite3', 'proper-lockfile', 'zx', 'zx/*'],
  banner: { js: '#!/usr/bin/env node' },
  chunkNames: 'chunks/[name]-[hash]',
  logLevel: 'warning',
});
chmodSync(new URL('../dist/cli.js', import.meta.url), 0o755);
