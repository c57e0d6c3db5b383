// pwt's opencode plugin: reports an agent's activity (working, waiting, idle) to
// `pwt _agent-event`. pwt does not put this file in opencode's config: for each
// launch it writes a small plugin that imports this one with the command to run,
// and adds that plugin through OPENCODE_CONFIG_CONTENT (docs/activity.md).
//
// opencode calls `event` with every bus event of its process. Events of child
// sessions (the task tool's subagents) are not the agent's. Repeats are dropped
// and reports run one after another, so the last event also lands last.
import { execFile } from 'node:child_process';

/** `argv`: the program and arguments of `pwt _agent-event <agents dir> <agent id>`; the event name is added. */
export function pwtActivity(argv) {
  const children = new Set();
  let last = null;
  let chain = Promise.resolve();
  const send = (event) => {
    if (event === last) return;
    last = event;
    chain = chain.then(() => new Promise((done) => execFile(argv[0], [...argv.slice(1), event], { timeout: 10000 }, () => done())));
  };
  return async () => ({
    event: async ({ event }) => {
      const p = event.properties ?? {};
      if (event.type === 'session.created' || event.type === 'session.updated') {
        if (p.info && p.info.parentID) children.add(p.info.id);
        return;
      }
      if (p.sessionID && children.has(p.sessionID)) return;
      if (event.type === 'session.status' && p.status) send(p.status.type === 'idle' ? 'opencode:idle' : 'opencode:busy');
      else if (event.type === 'session.idle') send('opencode:idle');
      else if (event.type === 'permission.asked' || event.type === 'question.asked') send('opencode:asked');
      else if (event.type === 'permission.replied' || event.type === 'question.replied' || event.type === 'question.rejected') send('opencode:replied');
    },
  });
}
