import { cpSync, mkdirSync, mkdtempSync, realpathSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

/**
 * Fixture homes for adapter unit tests: a writable copy of
 * test/fixtures/agents/<vendor>/home in a temp folder, so a test can add
 * files next to the fixture's without touching the repository.
 */
export const FIXTURES = resolve(import.meta.dirname, '../../../fixtures/agents');

/** The working directory every hand-written fixture session was recorded in. */
export const FIXTURE_CWD = '/home/dev/work/acme-app';

export interface TempHome {
  home: string;
  env: NodeJS.ProcessEnv;
  cleanup(): void;
}

/** A temp HOME holding a copy of the vendor's fixture home (or an empty one). */
export function tempHome(vendor?: string): TempHome {
  const root = realpathSync(mkdtempSync(join(tmpdir(), 'pwt-agent-unit-')));
  const home = join(root, 'home');
  if (vendor) cpSync(join(FIXTURES, vendor, 'home'), home, { recursive: true });
  else mkdirSync(home);
  const env: NodeJS.ProcessEnv = { HOME: home, PATH: process.env.PATH };
  return { home, env, cleanup: () => rmSync(root, { recursive: true, force: true }) };
}
