import { describe, expect, it } from 'vitest';
import { ManifestShapeError, validateManifest } from '../../../src/core/manifest/manifest.js';
import { PwtError } from '../../../src/core/infra/errors.js';

const session = { id: 'a', branch: 'session/a', worktree: '../app-sessions/a', startedAt: '2026-01-01T00:00:00Z', goals: [], status: 'active' };

describe('validateManifest', () => {
  it('accepts v1 and keeps unknown fields', () => {
    const data = { version: 1, project: 'app', sessions: [{ ...session, extra: { x: 1 } }], team: 'blue' };
    expect(validateManifest(data, 'm')).toBe(data);
  });
  const broken: [string, unknown][] = [
    ['not an object', []],
    ['no version', { project: 'app', sessions: [] }],
    ['sessions not an array', { version: 1, project: 'app', sessions: {} }],
    ['session without id', { version: 1, project: 'app', sessions: [{ ...session, id: '' }] }],
    ['goals not strings', { version: 1, project: 'app', sessions: [{ ...session, goals: [1] }] }],
    ['duplicate ids', { version: 1, project: 'app', sessions: [session, session] }],
  ];
  for (const [what, data] of broken) it(`rejects ${what}`, () => expect(() => validateManifest(data, 'm')).toThrow(ManifestShapeError));
  it('refuses a newer version with exit 3', () => {
    try {
      validateManifest({ version: 2, project: 'app', sessions: [] }, 'm');
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(PwtError);
      expect((error as PwtError).exitCode).toBe(3);
      expect((error as PwtError).hint).toMatch(/Upgrade pwt/);
    }
  });
});
