import { afterEach, describe, expect, it } from 'vitest';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { commitFile, parseJson } from './helpers/sandbox.js';
import { silentServer } from './helpers/sshd.js';
import { hostWorld, type HostWorld } from './hosts-world.js';

let world: HostWorld | undefined;
afterEach(async () => {
  await world?.cleanup();
  world = undefined;
}, 60_000);

const manifestOf = (dir: string) => parseJson(readFileSync(join(dir, '.manifest.json'), 'utf8'));

describe('sessions on a host (a real sshd, pwt there through --pwt)', () => {
  it('create --host makes it in the host clone, status shows it with its host, path prints host:path, diff and remove run there', async () => {
    world = await hostWorld();
    const { project, clone, hostSessions } = world;
    const local = world.pwt(['create', 'here', '--goal', 'local work']);
    expect(local.code, local.stderr).toBe(0);
    const created = world.pwt(['create', 'far', '--host', 'box', '--goal', 'remote work', '--json']);
    expect(created.code, created.stderr).toBe(0);
    const session = parseJson(created.stdout);
    expect(session).toMatchObject({ id: 'far', branch: 'session/far', host: 'box', path: join(hostSessions, 'far') });
    // Made by the pwt on the host, in its clone; recorded here under hostSessions, not as a local worktree.
    expect(world.project.sandbox.git(clone, 'worktree', 'list').trim()).toContain(join(hostSessions, 'far'));
    expect(manifestOf(hostSessions).sessions.map((entry: { id: string }) => entry.id)).toEqual(['far']);
    const here = manifestOf(project.sessionsDir);
    expect(here.sessions.map((entry: { id: string }) => entry.id)).toEqual(['here']);
    expect(here.hostSessions).toMatchObject([{ id: 'far', host: 'box', branch: 'session/far', path: join(hostSessions, 'far'), goals: ['remote work'] }]);
    expect(existsSync(join(project.sessionsDir, 'far'))).toBe(false);

    commitFile(project.sandbox, join(hostSessions, 'far'), 'remote.txt', 'made on the host\n');
    writeFileSync(join(hostSessions, 'far', 'draft.txt'), 'uncommitted\n');
    const status = world.pwt(['status', '--json']);
    expect(status.code, status.stderr).toBe(0);
    const report = parseJson(status.stdout);
    expect(report.sessions.map((entry: { id: string }) => entry.id)).toEqual(['here', 'far']);
    expect(report.sessions[1]).toMatchObject({ id: 'far', host: 'box', reachable: true, ahead: 1, dirty: true, goals: ['remote work'] });
    expect(report.orphans).toEqual([]);
    const human = world.pwt(['status']);
    expect(human.code, human.stderr).toBe(0);
    expect(human.stdout).toMatch(/HOST\s+SESSION/);
    expect(human.stdout).toMatch(/box\s+far/);

    const path = world.pwt(['path', 'far']);
    expect(path).toMatchObject({ code: 0, stdout: `box:${join(hostSessions, 'far')}\n` });
    const diff = world.pwt(['diff', 'far', '--stat']);
    expect(diff.code, diff.stderr).toBe(0);
    expect(diff.stdout).toContain('remote.txt');
    expect(diff.stdout).toContain('draft.txt');

    // Ending it runs the ending sequence on the host; keep pushes the branch to the shared remote.
    const removed = world.pwt(['remove', 'far', '--strategy', 'keep', '--commit', 'wip from the host', '--yes']);
    expect(removed.code, removed.stderr).toBe(0);
    expect(existsSync(join(hostSessions, 'far'))).toBe(false);
    expect(manifestOf(project.sessionsDir).hostSessions).toEqual([]);
    const pushed = project.sandbox.git(project.origin, 'ls-tree', '-r', '--name-only', 'session/far').split('\n');
    expect(pushed).toEqual(expect.arrayContaining(['remote.txt', 'draft.txt']));
    expect(world.pwt(['path', 'far']).code).toBe(3);
    // The local session never noticed.
    expect(world.pwt(['path', 'here']).stdout.trim()).toBe(join(project.sessionsDir, 'here'));
  }, 120_000);

  it('names, goals and prompts reach the host as data, never as shell code', async () => {
    world = await hostWorld();
    const { project, hostSessions } = world;
    const marker = join(project.sandbox.root, 'pwned');
    const goals = [
      `it's "quoted" $(touch ${marker}) \`touch ${marker}\``,
      `two\nlines; touch ${marker}`,
      "'; touch " + marker + "; '",
      '$HOME ${PATH} \\ \\n %s',
    ];
    const created = world.pwt(['create', 'q1', '--host', 'box', ...goals.flatMap((goal) => ['--goal', goal]), '--json']);
    expect(created.code, created.stderr).toBe(0);
    expect(existsSync(marker)).toBe(false);
    expect(manifestOf(hostSessions).sessions[0].goals).toEqual(goals);
    expect(manifestOf(project.sessionsDir).hostSessions[0].goals).toEqual(goals);
    // A name that is not a session name is refused here, before any ssh.
    const bad = world.pwt(['create', `x$(touch ${marker})`, '--host', 'box']);
    expect(bad.code).toBe(2);
    expect(existsSync(marker)).toBe(false);
  }, 120_000);

  it('a host that goes away: its sessions are unreachable in status, local ones unchanged, commands aimed at it exit 3 naming it', async () => {
    world = await hostWorld();
    const { project } = world;
    expect(world.pwt(['create', 'here']).code).toBe(0);
    expect(world.pwt(['create', 'far', '--host', 'box', '--goal', 'g']).code).toBe(0);
    const before = readFileSync(join(project.sessionsDir, '.manifest.json'), 'utf8');
    await world.sshd.stop();
    const status = world.pwt(['status', '--json'], { PWT_HOST_TIMEOUT_MS: '3000' });
    expect(status.code, status.stderr).toBe(0);
    const report = parseJson(status.stdout);
    expect(report.sessions[0]).toMatchObject({ id: 'here', exists: true });
    expect(report.sessions[1]).toMatchObject({ id: 'far', host: 'box', reachable: false, goals: ['g'] });
    expect(report.sessions[1].notes[0].kind).toBe('unreachable');
    const human = world.pwt(['status'], { PWT_HOST_TIMEOUT_MS: '3000' });
    expect(human.code).toBe(0);
    expect(human.stdout).toMatch(/box\s+far !.*unreachable/);
    for (const args of [
      ['diff', 'far'],
      ['remove', 'far', '--yes'],
      ['create', 'another', '--host', 'box'],
    ]) {
      const aimed = world.pwt(args, { PWT_HOST_TIMEOUT_MS: '3000' });
      expect(aimed.code, args.join(' ')).toBe(3);
      expect(aimed.stderr).toContain('"box"');
    }
    expect(world.pwt(['path', 'far']).stdout.trim()).toMatch(/^box:/);
    expect(readFileSync(join(project.sessionsDir, '.manifest.json'), 'utf8')).toBe(before);
  }, 120_000);

  it('a host that accepts the connection and never answers: status still answers in seconds, marking it unreachable', async () => {
    const silent = await silentServer();
    try {
      world = await hostWorld({ extraHosts: { 'pwt-silent': silent.port } });
      expect(world.pwt(['create', 'here']).code).toBe(0);
      // Point the host at the silent server (as when a machine hangs after it was added).
      const file = join(world.project.sessionsDir, '.pwt', 'hosts.json');
      const hosts = parseJson(readFileSync(file, 'utf8'));
      hosts.hosts[0].destination = 'pwt-silent';
      writeFileSync(file, JSON.stringify(hosts));
      const started = Date.now();
      const status = world.pwt(['status', '--json'], { PWT_HOST_TIMEOUT_MS: '2000' });
      expect(status.code, status.stderr).toBe(0);
      expect(Date.now() - started).toBeLessThan(10_000);
      expect(parseJson(status.stdout).sessions.map((entry: { id: string }) => entry.id)).toEqual(['here']);
      const aimed = world.pwt(['create', 'x', '--host', 'box'], { PWT_HOST_TIMEOUT_MS: '2000' });
      expect(aimed.code).toBe(3);
      expect(aimed.stderr).toContain('"box"');
    } finally {
      await silent.close();
    }
  }, 120_000);

  it('remove --strategy merge of a host session merges there and pushes the merged base to the shared remote', async () => {
    world = await hostWorld();
    const { project, hostSessions } = world;
    expect(world.pwt(['create', 'feat', '--host', 'box']).code).toBe(0);
    commitFile(project.sandbox, join(hostSessions, 'feat'), 'feature.txt', 'from the host\n', 'feature made on the host');
    const removed = world.pwt(['remove', 'feat', '--strategy', 'merge', '--yes']);
    expect(removed.code, removed.stderr).toBe(0);
    expect(project.sandbox.git(project.origin, 'log', '--format=%s', 'main')).toContain('feature made on the host');
    // Here, the base is one fetch away.
    project.sandbox.git(project.main, 'pull', '--quiet', '--ff-only');
    expect(existsSync(join(project.main, 'feature.txt'))).toBe(true);
    expect(world.pwt(['path', 'feat']).code).toBe(3);
  }, 120_000);

  it('a local create refuses a name that a host session has', async () => {
    world = await hostWorld();
    expect(world.pwt(['create', 'twin', '--host', 'box']).code).toBe(0);
    const local = world.pwt(['create', 'twin']);
    expect(local.code).toBe(3);
    expect(local.stderr).toContain('"box"');
    expect(existsSync(join(world.project.sessionsDir, 'twin'))).toBe(false);
  }, 120_000);
});
