import { defineCommand } from 'citty';

/**
 * `pwt run ...`: named runs, one goal given to several agents at once
 * (docs/runs.md). One file per subcommand under ./run/, loaded only when used.
 */
export default defineCommand({
  meta: { name: 'run', description: 'Named runs of several agents: list | show | compare | pick | rm' },
  subCommands: {
    list: () => import('./run/list.js').then((m) => m.default),
    show: () => import('./run/show.js').then((m) => m.default),
    compare: () => import('./run/compare.js').then((m) => m.default),
    pick: () => import('./run/pick.js').then((m) => m.default),
    rm: () => import('./run/rm.js').then((m) => m.default),
  },
});
