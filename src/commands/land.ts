import { defineCommand } from 'citty';
import { preconditionError, usageError } from '../core/infra/errors.js';
import { assertNamePattern } from '../core/project/names.js';
import { openProject } from '../core/project/project.js';
import { landSessions, type LandResult } from '../core/land/index.js';
import { landOutcomeError } from '../core/land/outcome.js';
import { isInteractive, log, printJson } from '../ui/log.js';
import { hookOptions } from '../ui/hooks.js';
import { hookArgs, jsonArg } from './_args.js';

export default defineCommand({
  meta: {
    name: 'land',
    description:
      'Land several finished sessions on the base as a queue: each merged onto the last green result and ' +
      'checked there; the base moves once, to a tested commit',
  },
  args: {
    sessions: {
      type: 'positional',
      description: 'Sessions to land, in this order (default: every session ahead of its base whose agents are not working, oldest first)',
      required: false,
      valueHint: 'session...',
    },
    run: { type: 'string', description: "Land a run's sessions (pwt run list)" },
    check: { type: 'string', description: 'The check to run on each merge result (a command line, e.g. "npm test"); default: the pre-merge hook of .pwt.json' },
    squash: { type: 'boolean', description: 'Each session lands as one commit (its own commits are archived)' },
    'tell-agents': { type: 'boolean', description: 'Tell the running agent of each ejected session what failed (pwt agent send)' },
    'dry-run': { type: 'boolean', description: 'Print the queue and the merges it would make (conflicts included); run no check, change nothing' },
    ...hookArgs,
    ...jsonArg,
  },
  async run({ args }) {
    const names = (args._ as string[]).map(String);
    for (const name of names) assertNamePattern(name);
    if (args.run !== undefined && names.length) throw usageError('Name sessions or --run, not both.', 'Run: pwt land --run <run>  or  pwt land <session>...');
    if (args.check !== undefined && !args.check.trim()) throw usageError('--check needs a command line.', 'Run: pwt land --check "npm test"');
    const project = await openProject();
    if (args.run !== undefined) names.push(...(await runSessions(project.sessionsDir, args.run)));
    const json = Boolean(args.json);
    const result = await landSessions(project, {
      names,
      ...(args.check !== undefined ? { check: args.check } : {}),
      squash: args.squash,
      dryRun: args['dry-run'],
      tellAgents: args['tell-agents'],
      hooks: { ...hookOptions(args), ...(json ? { onProgress: undefined } : {}) },
      onStep: json ? undefined : (title) => log.info(title),
    });
    if (json) {
      for (const note of result.notes) log.warn(note);
      printJson({
        base: result.base,
        from: result.from,
        to: result.to,
        landed: result.landed.map((each) => ({ session: each.session, commit: each.commit, ...(each.already ? { already: true } : {}) })),
        ejected: result.ejected,
        checks: result.checks,
        ...(result.dropped.length ? { dropped: result.dropped } : {}),
        ...(result.skipped.length ? { skipped: result.skipped } : {}),
        ...(result.dryRun ? { dryRun: true } : {}),
      });
    } else report(result);
    const failure = landOutcomeError(result);
    if (failure) throw failure;
  },
});

async function runSessions(sessionsDir: string, run: string): Promise<string[]> {
  const { assertRunName, requireRun } = await import('../core/agents/runs/store.js');
  assertRunName(run);
  const sessions = [...new Set(requireRun(sessionsDir, run).agents.map((agent) => agent.session))];
  if (sessions.length === 0) throw preconditionError(`The run ${run} has no sessions.`, 'See it with: pwt run show ' + run);
  return sessions;
}

function report(result: LandResult): void {
  for (const note of result.notes) log.warn(note);
  for (const each of result.skipped) log.warn(`${each.session}: not tried: ${each.reason}.`);
  if (result.dryRun) {
    log.info(`Dry run: pwt land would do (on ${result.base} at ${result.from.slice(0, 10)}, check: ${result.check}):`);
    result.titles.forEach((title, index) => log.log(`  ${index + 1}. ${title}`));
    for (const each of result.landed) log.log(`  ${each.already ? 'already in' : 'merges cleanly onto'} ${result.base}: ${each.session}`);
    for (const each of result.ejected) log.log(`  would be ejected (conflict in ${(each.files ?? []).join(', ')}): ${each.session}`);
    for (const each of result.dropped) log.log(`  would not be tried (${each.reason}): ${each.session}`);
    return;
  }
  for (const each of result.ejected) {
    if (each.reason === 'conflict')
      log.error(`${each.session} ejected: merging it onto the queue conflicts in ${(each.files ?? []).join(', ')}; it keeps every commit.`);
    else log.error(`${each.session} ejected: the check failed on the merge result (log: ${each.log}); it keeps every commit.`);
  }
  for (const each of result.dropped) log.error(`${each.session} not tried: ${each.reason}.`);
  for (const each of result.retargeted) log.info(`${each.session} now stands on ${each.to} (it stood on ${each.from}).`);
  if (result.landed.length && result.to !== result.from) {
    log.success(
      `Landed ${result.landed.map((each) => each.session).join(', ')} on ${result.base}: ` +
        `${result.from.slice(0, 10)} -> ${result.to.slice(0, 10)}, ${result.checks} check run(s) (push ` +
        `${result.base} yourself when ready).`,
    );
  } else if (result.landed.length)
    log.success(`${result.landed.map((each) => each.session).join(', ')} ${result.landed.length === 1 ? 'was' : 'were'} in ${result.base} already.`);
  const notEnded = result.landed.filter((each) => !result.ended.includes(each.session));
  if (result.ended.length) log.info(`Ended ${result.ended.join(', ')} (branch deleted, worktree removed, archived as pwt remove does).`);
  if (notEnded.length && result.ended.length + notEnded.length === result.landed.length && !result.resumed && notEnded.length)
    log.info(`Still here: ${notEnded.map((each) => each.session).join(', ')} (see above).`);
  if (isInteractive() && result.ejected.length) log.info('pwt status shows each ejected session with its reason.');
}
