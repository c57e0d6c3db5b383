import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Exit, usageError } from './core/infra/errors.js';
import { userProblem } from './core/infra/door-errors.js';
import { sessionPathFromFiles } from './core/project/session-path.js';
import { currentFolder } from './core/project/lost-cwd.js';
import { recordEvent } from './core/agents/runtime/activity/event-file.js';
import { requireCached, saveCodeCache } from './core/infra/code-cache.js';

/**
 * The entry point (bin), and the only place that turns errors into exit codes
 * (docs/architecture.md). It is built as CommonJS on purpose: an ES module entry makes Node
 * start its ESM loader, ~25 ms before any of pwt runs, and `pwt path` runs on
 * every `pcd`. So `pwt path [name]` is answered here from files alone
 * (core/project/session-path.ts); `pwt status` and `pwt agent list` load an
 * entry of their own each (status-main.ts, agent-list-main.ts); everything else loads the ESM dispatcher (main.ts).
 */
/**
 * `pwt --version` from package.json beside dist/ (no ESM loader): a host's pwt
 * is asked its version before every command sent there (docs/hosts.md).
 * Null when this is not the built entry; the dispatcher answers then.
 */
function versionFromFiles(): string | null {
  if (typeof __dirname !== 'string') return null;
  try {
    const data = JSON.parse(readFileSync(join(__dirname, '..', 'package.json'), 'utf8')) as { name?: string; version?: string };
    return data.name === 'parallel-worktrees' && typeof data.version === 'string' ? data.version : null;
  } catch {
    return null;
  }
}

/** `pwt agent list` without --session (which may name a host's session, run there by the dispatcher). */
const isAgentList = (argv: string[]) => argv[0] === 'agent' && argv[1] === 'list' && !argv.some((arg) => arg === '--session' || arg.startsWith('--session='));

const isPathQuery = (argv: string[]) => argv[0] === 'path' && argv.length <= 2 && !argv.slice(1).some((arg) => arg.startsWith('-'));

async function main(argv: string[]): Promise<number> {
  try {
    // Run from a folder that was deleted (after `pwt remove` from inside the session): work from where the shell came from.
    const here = currentFolder();
    if (here.deleted !== null) process.chdir(here.cwd);
    // A vendor's event hook (docs/activity.md): answered here, from files, because the vendor waits for it.
    if (argv[0] === '_agent-event') {
      const [, agentsDir, agentId, event, payload] = argv;
      if (!agentsDir || !agentId || !event)
        throw usageError('pwt _agent-event needs <agents dir> <agent id> <event> [payload].', "It is run by the agent CLIs' hooks that pwt sets up.");
      recordEvent(agentsDir, agentId, event, payload);
      return Exit.ok;
    }
    if (argv.length === 1 && (argv[0] === '--version' || argv[0] === '-V' || argv[0] === '-v')) {
      const version = versionFromFiles();
      if (version !== null) {
        process.stdout.write(`${version}\n`);
        return Exit.ok;
      }
    }
    if (isPathQuery(argv)) {
      const path = sessionPathFromFiles(process.cwd(), argv[1]);
      if (path !== null) {
        process.stdout.write(`${path}\n`);
        return Exit.ok;
      }
    }
    // status and agent list load an entry of their own each, not the dispatcher's chunks.
    if (argv[0] === 'status') {
      await (await import('./status-main.js')).dispatchStatus(argv.slice(1));
      return Exit.ok;
    }
    if (isAgentList(argv)) {
      // Built as CommonJS (scripts/build.mjs): required, so Node does not start its ESM loader for it, and through
      // V8's code cache (core/infra/code-cache.ts).
      const bundle = requireCached(join(__dirname, 'agent-list-main.cjs')) as typeof import('./agent-list-main.js');
      await bundle.dispatchAgentList(argv.slice(2));
      saveCodeCache();
      return Exit.ok;
    }
    const { dispatch } = await import('./main.js');
    await dispatch(argv);
    return Exit.ok;
  } catch (error) {
    return report(error);
  }
}

function report(error: unknown): number {
  // A refusal, a door's failure (git, tmux, the manifest, a lock: one table, infra/door-errors.ts) or the machine's state: one line.
  const problem = userProblem(error);
  if (problem) {
    process.stderr.write(`pwt: ${problem.message}${problem.hint ? ` ${problem.hint}` : ''}\n`);
    return problem.exitCode;
  }
  process.stderr.write(
    `pwt: unexpected error (a bug, please report it with this output):\n${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
  );
  return Exit.bug;
}

// `pwt doctor | head -1`: a reader that stops early is not an error.
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code !== 'EPIPE') throw error;
  process.exit(Exit.ok);
});

void main(process.argv.slice(2)).then((code) => {
  process.exitCode = code;
});
