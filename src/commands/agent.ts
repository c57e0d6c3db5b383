import { defineCommand } from 'citty';

/**
 * `pwt agent ...`: the vendor agent sessions of the current directory. One
 * file per subcommand under ./agent/, loaded only when used.
 */
export default defineCommand({
  meta: { name: 'agent', description: 'Agent CLI sessions of this directory: sessions | transcript' },
  subCommands: {
    sessions: () => import('./agent/sessions.js').then((m) => m.default),
    transcript: () => import('./agent/transcript.js').then((m) => m.default),
  },
});
