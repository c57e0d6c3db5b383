import { defineCommand } from 'citty';
import { reachingHosts } from './agent/_host.js';

/**
 * `pwt agent ...`: run agent CLIs in a session (start, switch, stop, resume,
 * in pwt's tmux) and read what they wrote (sessions, transcript). One file
 * per subcommand under ./agent/, loaded only when used.
 */
export default defineCommand({
  meta: { name: 'agent', description: 'Agents in a session: start | list | attach | stop | resume | switch | new | rm | sessions | transcript' },
  subCommands: {
    start: reachingHosts('start', () => import('./agent/start.js').then((m) => m.default)),
    list: reachingHosts('list', () => import('./agent/list.js').then((m) => m.default)),
    attach: reachingHosts('attach', () => import('./agent/attach.js').then((m) => m.default)),
    stop: reachingHosts('stop', () => import('./agent/stop.js').then((m) => m.default)),
    resume: reachingHosts('resume', () => import('./agent/resume.js').then((m) => m.default)),
    switch: reachingHosts('switch', () => import('./agent/switch.js').then((m) => m.default)),
    new: reachingHosts('new', () => import('./agent/new.js').then((m) => m.default)),
    rm: reachingHosts('rm', () => import('./agent/rm.js').then((m) => m.default)),
    sessions: () => import('./agent/sessions.js').then((m) => m.default),
    transcript: reachingHosts('transcript', () => import('./agent/transcript.js').then((m) => m.default)),
    wait: reachingHosts('wait', () => import('./agent/wait.js').then((m) => m.default)),
    send: reachingHosts('send', () => import('./agent/send.js').then((m) => m.default)),
  },
});
