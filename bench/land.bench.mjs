// `pwt land` of 10 sessions against landing them one by one with
// `pwt remove --strategy merge`, each tested as it lands (the pre-merge hook
// runs on the merge result). The check (the pre-merge hook of .pwt.json)
// takes 2 s and then runs the fixture project's `npm test`; every run is
// counted. Twice: all ten green, and one red (the fourth session's feature
// fails its test). One run each: the checks dominate, so medians would only
// repeat the same 2-second sleeps.
import { cpSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { CLI, size, world } from './lib.mjs';

const FIXTURE = new URL('../test/fixtures/land-shop', import.meta.url).pathname;
const SESSIONS = size(6, 10);
const RED = 3;

function setUp(label) {
  const w = world();
  const origin = join(w.root, 'shop.git');
  w.run('git', ['init', '--quiet', '--bare', '--initial-branch=main', origin], w.root);
  const main = join(w.root, 'shop');
  w.run('git', ['clone', '--quiet', origin, main], w.root);
  cpSync(FIXTURE, main, { recursive: true });
  const count = join(w.root, `checks-${label}.txt`);
  writeFileSync(join(main, '.pwt.json'), `${JSON.stringify({ hooks: { 'pre-merge': `echo run >> '${count}'; sleep 2; npm test --silent` } }, null, 2)}\n`);
  w.run('git', ['add', '.'], main);
  w.run('git', ['commit', '--quiet', '-m', 'the shop'], main);
  const pwt = (args) => w.run(process.execPath, [CLI, ...args], main);
  const pwtStatus = (args) => {
    try {
      pwt(args);
      return 0;
    } catch (error) {
      return error.status ?? 1;
    }
  };
  pwt(['hooks', 'approve']);
  return { w, main, count, pwt, pwtStatus };
}

function sessions(world, red) {
  for (let i = 0; i < SESSIONS; i++) {
    world.pwt(['create', `s${i}`, '--goal', `feature ${i}`]);
    const path = join(`${world.main}-sessions`, `s${i}`);
    writeFileSync(join(path, 'features', `f${i}.js`), `module.exports = { check: () => ${!(red && i === RED)} };\n`);
    world.w.run('git', ['add', '.'], path);
    world.w.run('git', ['commit', '--quiet', '-m', `feature ${i}`], path);
  }
}

const checks = (world) => (existsSync(world.count) ? readFileSync(world.count, 'utf8').split('\n').filter(Boolean).length : 0);
const seconds = (start) => (Number(process.hrtime.bigint() - start) / 1e9).toFixed(1);

const rows = [];
for (const red of [false, true]) {
  const queue = setUp(`land-${red}`);
  sessions(queue, red);
  let start = process.hrtime.bigint();
  const landExit = queue.pwtStatus(['land']);
  const landTime = seconds(start);
  const landed = JSON.parse(readFileSync(join(`${queue.main}-sessions`, '.pwt', 'queue', 'last.json'), 'utf8')).landed.length;

  const serial = setUp(`remove-${red}`);
  sessions(serial, red);
  start = process.hrtime.bigint();
  let merged = 0;
  for (let i = 0; i < SESSIONS; i++) if (serial.pwtStatus(['remove', `s${i}`, '--strategy', 'merge']) === 0) merged++;
  const serialTime = seconds(start);
  rows.push({ red, landTime, landChecks: checks(queue), landed, landExit, serialTime, serialChecks: checks(serial), merged });
}

for (const row of rows) {
  const what = row.red ? `one red (s${RED})` : 'all green';
  console.log(
    `${what.padEnd(14)} pwt land: ${row.landTime} s, ${row.landChecks} check runs, ${row.landed} landed (exit ${row.landExit})   one by one (pwt remove --strategy merge): ${row.serialTime} s, ${row.serialChecks} check runs, ${row.merged} merged`,
  );
}
