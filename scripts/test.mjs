// The full test suite: vitest with its normal output, then (with no file
// arguments) the unit tests (test/core/, test/commands/) again under bun test, then one
// summary line "N passed, N failed[, N skipped]" that CI reads: the two
// runners' counts added up. Exits non-zero on any failure.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { relative } from 'node:path';

const args = process.argv.slice(2);
const results = 'test-results.json';
rmSync(results, { force: true });
const run = spawnSync('npx', ['vitest', 'run', '--reporter=default', '--reporter=json', `--outputFile.json=${results}`, ...args], { stdio: 'inherit' });

let passed = 0;
let failed = 0;
let skipped = 0;
// The failed tests by name, printed again just above the summary line (where CI's tail shows them),
// and above the names the head of each failure's message: CI shows only the output's tail.
const failedNames = [];
const failureHeads = [];
const HEAD_LINES = 40;
if (existsSync(results)) {
  const report = JSON.parse(readFileSync(results, 'utf8'));
  for (const file of report.testResults) {
    const name = relative(process.cwd(), file.name);
    const failedTests = file.assertionResults.filter((test) => test.status === 'failed');
    for (const test of failedTests) {
      failedNames.push(`${name} > ${test.fullName}`);
      // Stack frames of vitest itself say nothing about the failure.
      const lines = (test.failureMessages ?? [])
        .join('\n')
        .split('\n')
        .filter((line) => !/^\s+at .*(node_modules|<anonymous>)/.test(line));
      const more = lines.length > HEAD_LINES ? `\n(${lines.length - HEAD_LINES} more lines in vitest's output above)` : '';
      failureHeads.push(`--- ${name} > ${test.fullName}\n${lines.slice(0, HEAD_LINES).join('\n')}${more}`);
    }
    if (file.status === 'failed' && failedTests.length === 0) failedNames.push(`${name} (${(file.message || 'the file failed').split('\n')[0]})`);
  }
  passed = report.numPassedTests;
  failed = report.numFailedTests + (report.numFailedTestSuites > 0 && report.numFailedTests === 0 ? report.numFailedTestSuites : 0);
  skipped = report.numPendingTests + report.numTodoTests;
} else {
  failed = 1;
}

let bunOk = true;
if (args.length === 0) {
  const junit = 'test-results-bun.xml';
  rmSync(junit, { force: true });
  console.log('\nbun test test/core test/commands (the unit tests under bun):');
  const bun = spawnSync('npx', ['bun', 'test', '--reporter=junit', `--reporter-outfile=${junit}`, 'test/core', 'test/commands'], { stdio: 'inherit' });
  if (existsSync(junit)) {
    // <testcase name="…" classname="…" …> followed by a <failure …> before its end.
    for (const [, attrs, body] of readFileSync(junit, 'utf8').matchAll(/<testcase\b([^>]*?)(?:\/>|>([\s\S]*?)<\/testcase>)/g)) {
      if (!body?.includes('<failure')) continue;
      const attr = (key) => new RegExp(`\\b${key}="([^"]*)"`).exec(attrs)?.[1] ?? '';
      failedNames.push(`bun: ${relative(process.cwd(), attr('file'))} > ${attr('classname')} > ${attr('name')}`);
    }
  }
  const totals = existsSync(junit) ? /<testsuites\b[^>]*\btests="(\d+)"[^>]*\bfailures="(\d+)"[^>]*\bskipped="(\d+)"/.exec(readFileSync(junit, 'utf8')) : null;
  const [tests, failures, skips] = totals ? totals.slice(1).map(Number) : [0, 1, 0];
  passed += tests - failures - skips;
  failed += failures || (bun.status === 0 ? 0 : 1);
  skipped += skips;
  bunOk = bun.status === 0;
}
if (failureHeads.length) console.log(`\nWhy (the head of each vitest failure):\n${failureHeads.join('\n')}`);
if (failedNames.length) console.log(`\nFailed:\n${failedNames.map((line) => `  ${line}`).join('\n')}`);
console.log(`${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}`);
process.exit(run.status === 0 && bunOk && failed === 0 && passed > 0 ? 0 : 1);
