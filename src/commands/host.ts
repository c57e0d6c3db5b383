import { defineCommand } from 'citty';

/** `pwt host ...`: machines reached over ssh where sessions and agents live (docs/hosts.md). */
export default defineCommand({
  meta: { name: 'host', description: 'Machines reached over ssh where sessions and agents live: add | list | rm | doctor' },
  subCommands: {
    add: () => import('./host/add.js').then((m) => m.default),
    list: () => import('./host/list.js').then((m) => m.default),
    rm: () => import('./host/rm.js').then((m) => m.default),
    doctor: () => import('./host/doctor.js').then((m) => m.default),
    shell: () => import('./host/shell.js').then((m) => m.default),
  },
});
