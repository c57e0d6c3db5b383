/**
 * One line of a health report (`pwt doctor`, `pwt host doctor`). Here, at the
 * bottom of the rank map, so any folder can report a check without importing
 * doctor/, which imports them all.
 */
export type CheckLevel = 'ok' | 'warn' | 'fail';

export interface Check {
  name: string;
  level: CheckLevel;
  detail: string;
  /** What to do about a warn or fail. */
  fix?: string;
}
