import { preconditionError, type PwtError } from './errors.js';

/**
 * User errors that several commands raise, worded once so they read the same
 * wherever they come from. An error names what is wrong and, in its hint,
 * what to run next.
 */
export const messages = {
  unknownSession: (name: string, sessionsDir: string): PwtError => preconditionError(`No session named "${name}" in ${sessionsDir}.`, 'See the sessions with: pwt status'),
};
