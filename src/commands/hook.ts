import { defineCommand } from 'citty';
import { existsSync } from 'node:fs';
import { PushRefused, postCheckout, prePush, trace } from '../core/hooks/run.js';
import { errorLine } from '../ui/log.js';
import { isOn, PWT_ENV } from '../core/infra/env.js';

/**
 * `pwt _hook <hook> [args]`: the hidden entry the git hooks call (see
 * hooks/dispatch.sh). Not listed in `pwt --help`. A hook must never fail a
 * checkout or a push because of pwt: every error of its own becomes one
 * warning line and exit 0. The only failure is a refused push (exit 3).
 */
export default defineCommand({
  meta: { name: '_hook', description: "Internal: run by pwt's git hooks (pwt hooks install)" },
  args: {
    hook: { type: 'positional', description: 'post-checkout or pre-push', required: true },
    first: { type: 'positional', description: "git's first hook argument", required: false },
    second: { type: 'positional', description: "git's second hook argument", required: false },
    third: { type: 'positional', description: "git's third hook argument", required: false },
  },
  async run({ args }) {
    // Git may export GIT_DIR (relative to the worktree top, where hooks run);
    // the worktree's own .git file says the same, and pwt's fast repo lookup
    // needs it unset.
    if (existsSync('.git')) for (const name of ['GIT_DIR', 'GIT_WORK_TREE', 'GIT_INDEX_FILE']) delete process.env[name];
    try {
      if (args.hook === 'post-checkout') await postCheckout();
      else if (args.hook === 'pre-push') await prePush(args.first ?? '', await readStdin());
      else trace(args.hook, 'not a hook pwt handles');
    } catch (error) {
      if (error instanceof PushRefused) throw error;
      const message = error instanceof Error ? error.message : String(error);
      const hint = error instanceof Error && 'hint' in error && error.hint ? ` ${String(error.hint)}` : '';
      const outcome = args.hook === 'pre-push' ? 'the push goes on' : 'the checkout itself is done';
      errorLine(`pwt: warning: ${args.hook} hook: ${message}${hint} (${outcome}; PWT_HOOKS=0 turns pwt's hooks off)`);
      if (isOn(PWT_ENV.debug) && error instanceof Error && error.stack) errorLine(error.stack);
    }
  },
});

async function readStdin(): Promise<string> {
  if (process.stdin.isTTY) return '';
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}
