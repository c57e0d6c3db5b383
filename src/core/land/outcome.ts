import { conflictError, preconditionError, type PwtError } from '../infra/errors.js';
import type { LandResult } from './index.js';

/**
 * How `pwt land` (and the MCP land tool) ends: exit 4 when some were ejected (or dropped with them), 3
 * when none could be tried or a named one was not (sessions left out of a default queue are only
 * noted).
 */
export function landOutcomeError(result: LandResult): PwtError | null {
  if (result.dryRun) return null;
  const out = [...result.ejected.map((each) => each.session), ...result.dropped.map((each) => each.session)];
  if (out.length)
    return conflictError(
      `${out.length} session(s) did not land: ${out.join(', ')}; ${result.landed.length} landed.`,
      'pwt status shows why (land-failed); fix them and run pwt land again.',
    );
  if (result.alreadyLanded?.length) return null;
  if (result.landed.length === 0 && !result.resumed) {
    const why = result.skipped.map((each) => `${each.session}: ${each.reason}`).join('; ');
    return preconditionError(
      `Nothing to land${why ? ` (${why})` : ': no session is ahead of its base with idle agents'}.`,
      'Commit work in a session (or name one: pwt land <session>), then run pwt land again.',
    );
  }
  if (result.named !== false && result.skipped.length)
    return preconditionError(
      `${result.skipped.length} session(s) could not be tried: ${result.skipped.map((each) => `${each.session} (${each.reason})`).join('; ')}.`,
      'Fix that and run pwt land again.',
    );
  return null;
}
