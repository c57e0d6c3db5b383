import { afterEach, describe, expect, it } from 'vitest';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseJson } from './helpers/sandbox.js';
import { ALIAS, silentServer } from './helpers/sshd.js';
import { hostWorld, PWT_ON_HOST, type HostWorld } from './hosts-world.js';

let world: HostWorld | undefined;
afterEach(async () => {
  await world?.cleanup();
  world = undefined;
}, 60_000);

describe('pwt host add | list | rm | doctor (a real sshd)', () => {
  it('adds a host after checking ssh and the clone, lists it, checks it, removes it', async () => {
    world = await hostWorld({ add: false });
    const { clone } = world;
    const added = world.pwt(['host', 'add', 'box', ALIAS, '--repo', clone, '--pwt', PWT_ON_HOST]);
    expect(added.code, added.stderr).toBe(0);
    const hostsFile = join(world.project.sessionsDir, '.pwt', 'hosts.json');
    expect(parseJson(readFileSync(hostsFile, 'utf8')).hosts).toEqual([{ name: 'box', destination: ALIAS, repo: clone, pwt: PWT_ON_HOST }]);
    const list = world.pwt(['host', 'list', '--json']);
    expect(list.code).toBe(0);
    expect(parseJson(list.stdout)).toEqual({ hosts: [{ name: 'box', destination: ALIAS, repo: clone, pwt: PWT_ON_HOST }] });
    const doctor = world.pwt(['host', 'doctor', 'box', '--json']);
    expect(doctor.code, doctor.stderr).toBe(0);
    const checks = parseJson(doctor.stdout).hosts[0].checks as { name: string; level: string }[];
    expect(Object.fromEntries(checks.map((check) => [check.name, check.level]))).toEqual({
      ssh: 'ok',
      git: 'ok',
      tmux: 'ok',
      clone: 'ok',
      remote: 'ok',
      pwt: 'ok',
    });
    expect(world.pwt(['host', 'add', 'box', ALIAS, '--repo', clone]).code).toBe(3);
    const removed = world.pwt(['host', 'rm', 'box']);
    expect(removed.code, removed.stderr).toBe(0);
    expect(parseJson(world.pwt(['host', 'list', '--json']).stdout)).toEqual({ hosts: [] });
  }, 60_000);

  it('refuses a host without the clone, one ssh cannot reach, and bad names (exit 3 or 2 naming what failed)', async () => {
    world = await hostWorld({ add: false });
    const noClone = world.pwt(['host', 'add', 'box', ALIAS, '--repo', join(world.project.sandbox.root, 'nowhere')]);
    expect(noClone.code).toBe(3);
    expect(noClone.stderr).toMatch(/clone/);
    const config = readFileSync(world.sshd.configFile, 'utf8');
    expect(config).toContain(ALIAS);
    const unreachable = world.pwt(['host', 'add', 'gone', 'pwt-no-such-alias.invalid', '--repo', world.clone], { PWT_HOST_TIMEOUT_MS: '2000' });
    expect(unreachable.code).toBe(3);
    expect(unreachable.stderr).toMatch(/ssh/);
    expect(world.pwt(['host', 'add', 'a:b', ALIAS, '--repo', world.clone]).code).toBe(2);
    expect(world.pwt(['host', 'add', 'ok', '-oProxyCommand=touch /tmp/x', '--repo', world.clone]).code).toBe(2);
    expect(existsSync(join(world.project.sessionsDir, '.pwt', 'hosts.json'))).toBe(false);
  }, 60_000);

  it('doctor names a pwt of another version there, and the missing pwt', async () => {
    world = await hostWorld({ add: false });
    const fake = join(world.project.sandbox.root, 'old-pwt');
    const { writeFileSync, chmodSync } = await import('node:fs');
    writeFileSync(fake, '#!/bin/sh\necho 0.0.1\n');
    chmodSync(fake, 0o755);
    expect(world.pwt(['host', 'add', 'old', ALIAS, '--repo', world.clone, '--pwt', fake]).code).toBe(0);
    const doctor = world.pwt(['host', 'doctor', 'old']);
    expect(doctor.code).toBe(3);
    expect(doctor.stdout).toMatch(/pwt\s+0\.0\.1 there/);
    expect(world.pwt(['host', 'add', 'none', ALIAS, '--repo', world.clone, '--pwt', '/nonexistent/pwt']).code).toBe(0);
    expect(world.pwt(['host', 'doctor', 'none']).stdout).toMatch(/--version` failed there/);
    // A command aimed at it is refused before anything runs there: one line naming both versions.
    const refused = world.pwt(['create', 'x', '--host', 'old']);
    expect(refused.code).toBe(3);
    expect(refused.stderr).toMatch(/Host "old" runs pwt 0\.0\.1; this is pwt \d+\.\d+\.\d+/);
    expect(refused.stderr.trim().split('\n')).toHaveLength(1);
    expect(world.pwt(['create', 'y', '--host', 'none']).stderr).toMatch(/pwt does not run on host "none"/);
    expect(existsSync(join(world.hostSessions, 'x'))).toBe(false);
  }, 60_000);

  it('a host that accepts the connection and never answers fails within the timeout, naming ssh', async () => {
    const silent = await silentServer();
    try {
      world = await hostWorld({ add: false, extraHosts: { 'pwt-silent': silent.port } });
      const started = Date.now();
      const add = world.pwt(['host', 'add', 'mute', 'pwt-silent', '--repo', world.clone], { PWT_HOST_TIMEOUT_MS: '2000' });
      expect(add.code).toBe(3);
      expect(add.stderr).toMatch(/mute/);
      expect(Date.now() - started).toBeLessThan(15_000);
    } finally {
      await silent.close();
    }
  }, 60_000);
});
