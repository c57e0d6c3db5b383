import { NODE } from './helpers/sandbox.js';
import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import { resolve } from 'node:path';

describe('npm run demo', () => {
  it('runs a real lifecycle with the CLI and says where it left things', () => {
    const result = spawnSync(NODE, [resolve(import.meta.dirname, '../scripts/demo.mjs')], {
      encoding: 'utf8',
      env: { ...process.env, NO_COLOR: '1', CI: '1' },
    });
    const root = result.stdout.match(/Remove it all with: rm -rf (\S+)/)?.[1];
    try {
      expect(result.status, result.stderr).toBe(0);
      expect(result.stdout).toMatch(/checkout-flow\s+just now\s+clean\s+\+1\/-0/);
      expect(result.stdout).toMatch(/fix-prices\s+just now\s+1 changed/);
      expect(result.stdout).toMatch(/"kind": "session"/);
      expect(root).toBeTruthy();
    } finally {
      if (root) rmSync(root, { recursive: true, force: true });
    }
  }, 60_000);
});
