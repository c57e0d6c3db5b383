import { afterAll, beforeAll, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { appendFileSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { build } from 'esbuild';
import { NODE } from '../../helpers/sandbox.js';

/**
 * The code cache of dist/'s CommonJS bundles: a bundle loads as require would
 * load it, its cache is written once and then used (V8 accepts it: it is not
 * written again), a damaged cache is replaced, and a rebuilt bundle gets a
 * cache of its own in place of the old one. Each load is a Node process of
 * its own, as each pwt start is (in one process V8 keeps what it compiled and
 * would not read the cache at all): src/core/infra/code-cache.ts bundled for it.
 */
let root: string;
let bundle: string;
let env: NodeJS.ProcessEnv;
let loader: string;
const cacheDir = () => join(root, 'cache', 'pwt');
const caches = () => readdirSync(cacheDir()).filter((name) => name.endsWith('.cache'));

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), 'pwt-code-cache-'));
  bundle = join(root, 'bundle.cjs');
  writeFileSync(bundle, "const { basename } = require('node:path');\nexports.hello = (who) => `hello ${who} from ${basename(__filename)} in ${__dirname}`;\n");
  env = { XDG_CACHE_HOME: join(root, 'cache') };
  loader = join(root, 'code-cache.cjs');
  await build({
    entryPoints: [new URL('../../../src/core/infra/code-cache.ts', import.meta.url).pathname],
    outfile: loader,
    bundle: true,
    format: 'cjs',
    platform: 'node',
    logLevel: 'warning',
  });
});

/** A new Node process requires the bundle through the cache, calls it, saves the cache: what hello() said. */
function load(who: string, cacheEnv: NodeJS.ProcessEnv = env): string {
  const script = `const c = require(${JSON.stringify(loader)}); const m = c.requireCached(${JSON.stringify(bundle)}); process.stdout.write(m.hello(${JSON.stringify(who)}) + (m.more ? ' +' + m.more : '')); c.saveCodeCache();`;
  return execFileSync(NODE, ['-e', script], { env: { PATH: process.env.PATH, ...cacheEnv }, encoding: 'utf8' });
}

afterAll(() => rmSync(root, { recursive: true, force: true }));

it('loads a bundle as require does, writes its cache once, then uses it', () => {
  expect(load('you')).toBe(`hello you from bundle.cjs in ${root}`);
  expect(caches()).toHaveLength(1);
  const file = join(cacheDir(), caches()[0] as string);
  const written = statSync(file, { bigint: true });

  expect(load('again')).toBe(`hello again from bundle.cjs in ${root}`);
  // Accepted by V8: nothing to write again.
  const after = statSync(file, { bigint: true });
  expect([after.ino, after.mtimeNs]).toEqual([written.ino, written.mtimeNs]);
});

it('replaces a damaged cache, and a rebuilt bundle gets its own cache in place of the old one', () => {
  const file = join(cacheDir(), caches()[0] as string);
  writeFileSync(file, 'not a code cache');
  expect(load('me')).toContain('hello me');
  expect(readFileSync(file, 'utf8')).not.toBe('not a code cache');

  appendFileSync(bundle, 'exports.more = 1;\n');
  expect(load('me')).toContain('+1');
  expect(caches()).toHaveLength(1);
  expect(caches()[0]).not.toBe(file.split('/').pop());
});

it('without a cache folder (no HOME, no XDG_CACHE_HOME) it loads and writes nothing', () => {
  const before = caches();
  expect(load('x', {})).toContain('hello x');
  expect(caches()).toEqual(before);
});
