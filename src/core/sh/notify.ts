import { spawn } from 'node:child_process';
import { traceSpawn } from '../infra/process.js';

/**
 * The door to `notify-send` (libnotify), for `pwt watch --notify`. Best
 * effort: fire and forget, never waits, and a missing notify-send is not an
 * error (the terminal bell still rings).
 */
export function desktopNotify(title: string, body: string): void {
  try {
    traceSpawn('notify-send', ['--app-name=pwt', title, body], undefined, 'detached');
    const child = spawn('notify-send', ['--app-name=pwt', title, body], { stdio: 'ignore', detached: true });
    child.on('error', () => undefined);
    child.unref();
  } catch {
    // not installed: nothing to do
  }
}
