/** One line of `pwt doctor`: its own file so the checks and the aggregator that runs them do not import each other. */
export type CheckLevel = 'ok' | 'warn' | 'fail';

export interface Check {
  name: string;
  level: CheckLevel;
  detail: string;
  /** What to do about a warn or fail. */
  fix?: string;
}
