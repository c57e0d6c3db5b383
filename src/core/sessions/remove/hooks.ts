import { approveHooks, configuredEvents, HookFailed, runHooks, type HookGate, type HookOptions, type HookTarget } from '../../project/hooks/run.js';
import type { HookEvent } from '../../project/config.js';
import type { Step } from '../../workflow/execute.js';
import { baseName, type RemoveFacts } from './facts.js';
import type { RemoveChoice, RemoveStepBuilder } from './plan.js';

/**
 * The project hooks of `pwt remove`, as steps around the strategy's own:
 * pre-merge (merge) or pre-pr (pr), then pre-remove, run first, so a failing
 * test suite stops the removal before anything changed (exit 3 with the
 * hook's last lines); post-remove runs last, in the main worktree, and a
 * failure there is reported, not fatal (the session is already gone).
 */
export interface RemoveHooks {
  before: RemoveStepBuilder;
  after: RemoveStepBuilder;
  /** Why hooks did not run (--no-hooks, not approved), once the plan is built. */
  note: () => string | undefined;
}

const preEvents = (choice: RemoveChoice): HookEvent[] => [...(choice.strategy === 'merge' ? ['pre-merge' as const] : choice.strategy === 'pr' ? ['pre-pr' as const] : []), 'pre-remove'];

const target = (facts: RemoveFacts): HookTarget => ({
  id: facts.session.id,
  path: facts.path,
  branch: facts.session.branch,
  base: baseName(facts),
  cwd: facts.worktreeExists ? facts.path : facts.project.repo.mainPath,
});

export function removeHooks(opts: HookOptions & { dryRun?: boolean }): RemoveHooks {
  let gate: HookGate = { events: [] };
  const step = (facts: RemoveFacts, event: HookEvent, fatal: boolean): Step => {
    const commands = facts.project.config.hooks[event] ?? [];
    const action: Step['action'] = { op: 'hook', event, commands };
    return {
      action,
      title: `run the ${event} hook: ${commands.join(' && ')}`,
      run: async () => {
        const where = fatal ? { ...target(facts) } : { ...target(facts), cwd: facts.project.repo.mainPath };
        try {
          action.outcomes = await runHooks(facts.project, gate, event, where, {
            onProgress: opts.onProgress,
            consequence: fatal ? 'nothing was changed.' : `${facts.session.id} is removed all the same.`,
            next: `Fix it and run pwt remove ${facts.session.id} again, or skip project hooks with --no-hooks.`,
          });
        } catch (error) {
          if (fatal || !(error instanceof HookFailed)) throw error;
          action.failed = `${error.message} ${error.hint ?? ''}`;
        }
      },
    };
  };
  return {
    before: async (facts, choice) => {
      const events: HookEvent[] = [...preEvents(choice), 'post-remove'];
      gate = opts.dryRun ? { events: opts.enabled ? configuredEvents(facts.project, events) : [] } : await approveHooks(facts.project, events, opts);
      return preEvents(choice)
        .filter((event) => gate.events.includes(event))
        .map((event) => step(facts, event, true));
    },
    after: (facts) => (gate.events.includes('post-remove') ? [step(facts, 'post-remove', false)] : []),
    note: () => gate.note,
  };
}
