import { defineCommand } from 'citty';
import { runReachingHosts } from './_host-run.js';

/**
 * `pwt run ...`: named runs, one goal given to several agents at once
 * (docs/runs.md). One file per subcommand under ./run/, loaded only when used.
 */
export default defineCommand({
  meta: { name: 'run', description: 'Named runs of several agents: start | resume | stop | send | list | show | compare | pick | rm' },
  subCommands: {
    start: () => import('./run/start.js').then((m) => m.default),
    resume: runReachingHosts('resume', () => import('./run/resume.js').then((m) => m.default)),
    stop: runReachingHosts('stop', () => import('./run/stop.js').then((m) => m.default)),
    list: () => import('./run/list.js').then((m) => m.default),
    show: runReachingHosts('show', () => import('./run/show.js').then((m) => m.default)),
    compare: runReachingHosts('compare', () => import('./run/compare.js').then((m) => m.default)),
    pick: runReachingHosts('pick', () => import('./run/pick.js').then((m) => m.default)),
    rm: runReachingHosts('rm', () => import('./run/rm.js').then((m) => m.default)),
    send: runReachingHosts('send', () => import('./run/send.js').then((m) => m.default)),
  },
});
