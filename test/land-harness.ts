import { cpSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { makeProject, type Project } from './helpers/sandbox.js';

/**
 * pwt land's world: a bare origin and a clone holding the small npm project
 * in test/fixtures/land-shop (its `npm test` fails when a new cart holds more
 * than MAX_ITEMS, or a file in features/ says so). The check records what it
 * tested: every commit it ran on goes to tested.txt, every one it passed on
 * to passed.txt (beside the repositories, not in them).
 */
export const FIXTURE = join(import.meta.dirname, 'fixtures', 'land-shop');

export interface Shop extends Project {
  tested: string;
  passed: string;
  /** The check command line for --check. */
  check: string;
}

export function makeShop(): Shop {
  const project = makeProject('shop');
  const { sandbox, main } = project;
  cpSync(FIXTURE, main, { recursive: true });
  sandbox.git(main, 'add', '.');
  sandbox.git(main, 'commit', '--quiet', '-m', 'the shop');
  sandbox.git(main, 'push', '--quiet', 'origin', 'main');
  const tested = join(sandbox.root, 'tested.txt');
  const passed = join(sandbox.root, 'passed.txt');
  const check = `git rev-parse HEAD >> '${tested}' && npm test --silent && git rev-parse HEAD >> '${passed}'`;
  return { ...project, tested, passed, check };
}

export const lines = (file: string) => (existsSync(file) ? readFileSync(file, 'utf8').split('\n').filter(Boolean) : []);

/** Makes session `name` with one commit writing `files` (path -> content). */
export function sessionWith(shop: Shop, name: string, files: Record<string, string>, extra: string[] = []): string {
  const { sandbox, main, sessionsDir } = shop;
  const made = sandbox.pwt(main, ['create', name, '--goal', `work on ${name}`, ...extra]);
  if (made.code !== 0) throw new Error(`pwt create ${name}: ${made.stderr}`);
  const path = join(sessionsDir, name);
  for (const [file, content] of Object.entries(files)) writeFileSync(join(path, file), content);
  sandbox.git(path, 'add', '.');
  sandbox.git(path, 'commit', '--quiet', '-m', `${name}: ${Object.keys(files).join(', ')}`);
  return path;
}

export const feature = (ok: boolean) => `module.exports = { check: () => ${ok} };\n`;

/** Every value `main` has pointed at, newest first (its reflog). */
export const mainHistory = (shop: Shop) => shop.sandbox.git(shop.main, 'reflog', 'show', '--format=%H', 'refs/heads/main').split('\n').filter(Boolean);
