// Makes the built entry executable so `npm link` / `npm install -g .` give a working `pwt`.
import { chmodSync } from 'node:fs';
chmodSync(new URL('../dist/cli.js', import.meta.url), 0o755);
