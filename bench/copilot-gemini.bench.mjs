// Reading large copilot and gemini sessions (run after `npm run build`).
// copilot: a ~50 MB events.jsonl made by repeating the turns of a real session
// (test/fixtures/agents/copilot/real, 1.0.102), where every turn repeats the
// ~30 KB system prompt; the adapter skips those bookkeeping lines unparsed.
// gemini: a ~50 MB chat log of re-appended messages and `$set` records with
// large tool outputs (a gemini log must be replayed to the end before any
// message is final, so it is not streamed: memory follows the conversation,
// here ~50 MB of tool output). Each read runs in its own child process so its
// peak RSS is its own; the baseline is the naive way (read the whole file,
// split, JSON.parse every line), measured in the same run.
import { adapterDir, mb, measureInChild, printRead, readNaive, readWhole, reportChildRun, writeLines } from './lib.mjs';
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const TARGET_BYTES = 50 * 1024 * 1024;
const dist = await adapterDir(['copilot', 'gemini']);
const realCopilot = new URL('../test/fixtures/agents/copilot/real/session-state/aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaaa/events.jsonl', import.meta.url).pathname;
const cwd = '/home/dev/work/bench';

/** The real session's events again and again, with fresh ids and the cwd of the bench. */
function* copilotLines(id) {
  const events = readFileSync(realCopilot, 'utf8').split('\n').filter(Boolean);
  yield events[0].replaceAll('aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaaa', id).replaceAll('/home/dev/work/proj', cwd);
  for (let round = 0; ; round++) {
    for (const line of events.slice(1)) {
      if (line.startsWith('{"type":"session.start"')) continue;
      yield line.replaceAll('call_mock', `call_${round}_`).replaceAll('"messageId":"', `"messageId":"${round}-`);
    }
  }
}

function* geminiLines(id) {
  const at = (n) => new Date(Date.UTC(2026, 10, 21, 10) + n * 1000).toISOString();
  yield JSON.stringify({ sessionId: id, projectHash: createHash('sha256').update(cwd).digest('hex'), startTime: at(0), lastUpdated: at(0), kind: 'main' });
  const output = 'x'.repeat(20_000);
  for (let n = 1; ; n++) {
    yield JSON.stringify({ id: `u${n}`, timestamp: at(n), type: 'user', content: [{ text: `step ${n}: run the check` }] });
    yield JSON.stringify({ $set: { lastUpdated: at(n) } });
    const call = { id: `c${n}`, name: 'run_shell_command', args: { command: 'npm test' }, status: 'executing' };
    yield JSON.stringify({ id: `g${n}`, timestamp: at(n), type: 'gemini', content: '', toolCalls: [call] });
    const result = [{ functionResponse: { id: `c${n}`, name: 'run_shell_command', response: { output } } }];
    yield JSON.stringify({ id: `g${n}`, timestamp: at(n), type: 'gemini', content: '', toolCalls: [{ ...call, status: 'success', result }] });
    yield JSON.stringify({ id: `t${n}`, timestamp: at(n), type: 'gemini', content: `Step ${n} passed.` });
    yield JSON.stringify({ $set: { lastUpdated: at(n) } });
  }
}

async function main() {
  const root = mkdtempSync(join(tmpdir(), 'pwt-bench-copilot-gemini-'));
  try {
    const copilotId = '88888888-8888-4888-8888-888888888888';
    const geminiId = '99999999-9999-4999-8999-999999999999';
    const copilotDir = join(root, 'copilot', 'session-state', copilotId);
    const geminiDir = join(root, 'home', '.gemini', 'tmp', createHash('sha256').update(cwd).digest('hex'), 'chats');
    mkdirSync(copilotDir, { recursive: true });
    mkdirSync(geminiDir, { recursive: true });
    const copilotFile = join(copilotDir, 'events.jsonl');
    const geminiFile = join(geminiDir, `session-2026-11-21T10-00-${geminiId.slice(0, 8)}.jsonl`);
    await writeLines(copilotFile, copilotLines(copilotId), TARGET_BYTES);
    await writeLines(geminiFile, geminiLines(geminiId), TARGET_BYTES);

    console.log('reading a 50 MB session file: readTranscript vs read-whole-file-and-parse, measured in one run\n');
    for (const [provider, file, id, env] of [
      ['copilot', copilotFile, copilotId, { COPILOT_HOME: join(root, 'copilot') }],
      ['gemini', geminiFile, geminiId, { HOME: join(root, 'home'), GEMINI_CLI_HOME: '' }],
    ]) {
      const size = statSync(file).size;
      const full = measureInChild(import.meta.url, ['full', provider, id], env);
      const naive = measureInChild(import.meta.url, ['naive', provider, file], env);
      console.log(`${provider}: file ${mb(size)}, ${full.messages} messages, ${full.tools} tool calls`);
      printRead('readTranscript', full, size, 40);
      printRead('naive: read file, split, JSON.parse all', naive, size, 40);
      console.log(`  adapter vs naive: time ${(full.ms / naive.ms).toFixed(2)}x, memory ${(full.rss / naive.rss).toFixed(2)}x\n`);
    }
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}

async function child(mode, provider, target) {
  const adapter = mode === 'naive' ? null : (await import(join(dist, `${provider}.mjs`))).default;
  await reportChildRun(() => (mode === 'full' ? readWhole(adapter, target) : readNaive(target)));
}

if (process.argv[2] === '--child') await child(process.argv[3], process.argv[4], process.argv[5]);
else await main();
