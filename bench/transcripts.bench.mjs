// Issue 5's reading goal: a 50 MB claude transcript and a 50 MB codex rollout
// are read by streaming: time, and peak memory well under the file size (and
// about flat from a 10 MB to a 50 MB file) when the caller keeps only recent
// messages (streamTranscript, as a handoff does); readTranscript keeps
// everything, so its memory follows the conversation's size.
// Both files are generated here with the records the real CLIs write
// (shared/agents/real-sessions): prompts, split assistant blocks, tool calls
// whose output is stored twice, and the bookkeeping lines around them. Each
// read runs in a child process so its peak RSS is its own; the baseline is the
// naive way (read the whole file, split, JSON.parse every line) in the same run.
import { adapterDir, mb, measureInChild, printRead, readNaive, readWhole, reportChildRun, writeLines } from './lib.mjs';
import { mkdirSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const MB = 1024 * 1024;
const dist = await adapterDir(['claude', 'codex']);

/** One claude and one codex session of `bytes` under `root`, as the CLIs lay them out. */
async function makeSessions(root, bytes) {
  const cwd = '/home/dev/work/bench';
  const claudeDir = join(root, 'claude', 'projects', cwd.replace(/[^a-zA-Z0-9]/g, '-'));
  const codexDir = join(root, 'codex', 'sessions', '2026', '11', '21');
  mkdirSync(claudeDir, { recursive: true });
  mkdirSync(codexDir, { recursive: true });
  const claudeId = '77777777-7777-4777-8777-777777777777';
  const codexId = '01a1fd99-0000-7000-8000-000000000777';
  const claudeFile = join(claudeDir, `${claudeId}.jsonl`);
  const codexFile = join(codexDir, `rollout-2026-11-21T10-00-00-${codexId}.jsonl`);
  await writeLines(claudeFile, claudeLines(cwd, claudeId), bytes);
  await writeLines(codexFile, codexLines(cwd, codexId), bytes);
  return [
    { provider: 'claude', file: claudeFile, id: claudeId, env: { CLAUDE_CONFIG_DIR: join(root, 'claude') } },
    { provider: 'codex', file: codexFile, id: codexId, env: { CODEX_HOME: join(root, 'codex') } },
  ];
}

async function main() {
  const root = mkdtempSync(join(tmpdir(), 'pwt-bench-transcripts-'));
  try {
    // A 10 MB pair too: streaming memory should stay about flat when the file grows 5x.
    const small = await makeSessions(join(root, 'small'), 10 * MB);
    const large = await makeSessions(join(root, 'large'), 50 * MB);
    console.log('reading 50 MB session files: the adapters (streaming) vs read-whole-file-and-parse, measured in one run\n');
    for (let i = 0; i < large.length; i++) {
      const { provider, file, id, env } = large[i];
      const size = statSync(file).size;
      const measure = (args, env) => measureInChild(import.meta.url, args, env);
      const recent = measure(['recent', provider, id], env);
      const recentSmall = measure(['recent', provider, small[i].id], small[i].env);
      const full = measure(['full', provider, id], env);
      const naive = measure(['naive', provider, file], env);
      console.log(`${provider}: file ${mb(size)}, ${full.messages} messages, ${full.tools} tool calls`);
      printRead('streamTranscript, keep the last 50k chars', recent, size);
      printRead('readTranscript (whole transcript kept)', full, size);
      printRead('naive: read file, split, JSON.parse all', naive, size);
      const flat = recent.rss / Math.max(recentSmall.rss, 1);
      const verdict = (ok) => (ok ? 'met' : 'MISSED');
      console.log(`  streaming vs naive: time ${(recent.ms / naive.ms).toFixed(2)}x, memory ${(recent.rss / naive.rss).toFixed(2)}x`);
      console.log(
        `  streaming peak: ${(recent.rss / size).toFixed(2)}x the file (target < 0.6x: ${verdict(recent.rss < 0.6 * size)}); ${mb(recentSmall.rss)} for the 10 MB file, so ${flat.toFixed(2)}x for a 5x larger file (target < 2x: ${verdict(flat < 2)})`,
      );
      console.log(
        `  whole transcript vs naive: time ${(full.ms / naive.ms).toFixed(2)}x, memory ${(full.rss / naive.rss).toFixed(2)}x (it holds every text and tool output: about half of this file)\n`,
      );
    }
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}

/** What a handoff needs: the most recent messages up to 50k characters, read as a stream. */
async function readRecent(adapter, id) {
  const size = (message) => message.text.length + message.tools.reduce((n, t) => n + t.output.length, 0);
  const kept = [];
  let chars = 0;
  let messages = 0;
  let tools = 0;
  for await (const message of adapter.streamTranscript(id, { env: process.env })) {
    kept.push(message);
    chars += size(message);
    while (chars > 50_000 && kept.length > 1) chars -= size(kept.shift());
    messages++;
    tools += message.tools.length;
  }
  return { messages, tools };
}

async function child(mode, provider, target) {
  // Load the code first: the figures are about reading, not about module loading.
  const adapter = mode === 'naive' ? null : (await import(join(dist, `${provider}.mjs`))).default;
  const read = { full: () => readWhole(adapter, target), recent: () => readRecent(adapter, target), naive: () => readNaive(target) }[mode];
  await reportChildRun(read);
}

const words = 'the build fails when the cache is cold so we retry the step and log what changed in the config file'.split(' ');
function prose(seed, length) {
  let text = '';
  for (let i = 0; text.length < length; i++) text += `${words[(seed * 7 + i) % words.length]} `;
  return text.trim();
}

function* claudeLines(cwd, sessionId) {
  const base = { cwd, sessionId, version: '2.1.197', gitBranch: 'session/bench', userType: 'external', entrypoint: 'cli', isSidechain: false };
  const usage = { input_tokens: 1200, cache_creation_input_tokens: 0, cache_read_input_tokens: 9000, output_tokens: 300, service_tier: 'standard' };
  let parent = null;
  for (let turn = 0; ; turn++) {
    const at = new Date(Date.UTC(2026, 10, 21, 10, 0, turn)).toISOString();
    const uuid = (k) => `${String(turn).padStart(8, '0')}-0000-4000-8000-${String(k).padStart(12, '0')}`;
    yield {
      type: 'file-history-snapshot',
      messageId: uuid(1),
      snapshot: { messageId: uuid(1), trackedFileBackups: {}, timestamp: at },
      isSnapshotUpdate: false,
    };
    yield {
      ...base,
      parentUuid: parent,
      type: 'user',
      message: { role: 'user', content: `Turn ${turn}: ${prose(turn, 200)}` },
      uuid: uuid(1),
      timestamp: at,
      promptSource: 'typed',
    };
    const msg = `msg_${turn}`;
    yield {
      ...base,
      parentUuid: uuid(1),
      type: 'assistant',
      message: {
        id: msg,
        type: 'message',
        role: 'assistant',
        model: 'claude-test',
        content: [{ type: 'text', text: prose(turn + 1, 400) }],
        stop_reason: null,
        usage,
      },
      uuid: uuid(2),
      timestamp: at,
    };
    yield {
      ...base,
      parentUuid: uuid(2),
      type: 'assistant',
      message: {
        id: msg,
        type: 'message',
        role: 'assistant',
        model: 'claude-test',
        content: [{ type: 'tool_use', id: `toolu_${turn}`, name: 'Bash', input: { command: `npm test -- --grep case${turn}`, description: 'Run one test' } }],
        stop_reason: 'tool_use',
        usage,
      },
      uuid: uuid(3),
      timestamp: at,
    };
    const output = prose(turn + 2, 1500);
    yield {
      ...base,
      parentUuid: uuid(3),
      type: 'user',
      message: { role: 'user', content: [{ tool_use_id: `toolu_${turn}`, type: 'tool_result', content: output, is_error: false }] },
      toolUseResult: { stdout: output, stderr: '', interrupted: false, isImage: false },
      uuid: uuid(4),
      timestamp: at,
    };
    yield {
      ...base,
      parentUuid: uuid(4),
      type: 'assistant',
      message: {
        id: `msg_${turn}b`,
        type: 'message',
        role: 'assistant',
        model: 'claude-test',
        content: [{ type: 'text', text: prose(turn + 3, 300) }],
        stop_reason: 'end_turn',
        usage,
      },
      uuid: uuid(5),
      timestamp: at,
    };
    yield { ...base, parentUuid: uuid(5), type: 'system', subtype: 'turn_duration', durationMs: 1200, uuid: uuid(6), timestamp: at, isMeta: false };
    parent = uuid(6);
  }
}

function* codexLines(cwd, id) {
  yield {
    timestamp: '2026-11-21T10:00:00.000Z',
    type: 'session_meta',
    payload: {
      id,
      timestamp: '2026-11-21T10:00:00.000Z',
      cwd,
      originator: 'codex_exec',
      cli_version: '0.169.0',
      source: 'exec',
      base_instructions: { text: prose(0, 8000) },
    },
  };
  for (let turn = 0; ; turn++) {
    const timestamp = new Date(Date.UTC(2026, 10, 21, 10, 0, turn)).toISOString();
    const turnId = `turn-${turn}`;
    yield {
      timestamp,
      type: 'turn_context',
      payload: { turn_id: turnId, cwd, approval_policy: 'never', sandbox_policy: { type: 'read-only' }, model: 'gpt-5', summary: 'none' },
    };
    yield {
      timestamp,
      type: 'response_item',
      payload: { type: 'message', role: 'user', content: [{ type: 'input_text', text: `Turn ${turn}: ${prose(turn, 200)}` }] },
    };
    yield {
      timestamp,
      type: 'event_msg',
      payload: {
        type: 'item_completed',
        turn_id: turnId,
        item: { type: 'UserMessage', id: `u${turn}`, content: [{ type: 'text', text: `Turn ${turn}: ${prose(turn, 200)}`, text_elements: [] }] },
      },
    };
    yield {
      timestamp,
      type: 'response_item',
      payload: {
        type: 'function_call',
        id: `fc_${turn}`,
        name: 'exec_command',
        arguments: JSON.stringify({ cmd: `npm test -- --grep case${turn}` }),
        call_id: `call_${turn}`,
      },
    };
    const output = prose(turn + 2, 1500);
    yield {
      timestamp,
      type: 'event_msg',
      payload: {
        type: 'item_completed',
        turn_id: turnId,
        item: { type: 'CommandExecution', id: `call_${turn}`, command: ['/bin/bash', '-lc', 'npm test'], aggregated_output: output, exit_code: 0 },
      },
    };
    yield {
      timestamp,
      type: 'response_item',
      payload: {
        type: 'function_call_output',
        call_id: `call_${turn}`,
        output: `Chunk ID: ab12cd\nWall time: 0.1000 seconds\nProcess exited with code 0\nOriginal token count: 300\nOutput:\n${output}`,
      },
    };
    yield {
      timestamp,
      type: 'event_msg',
      payload: { type: 'token_count', info: { total_token_usage: { input_tokens: 1000 * turn, output_tokens: 300 * turn }, model_context_window: 258400 } },
    };
    yield {
      timestamp,
      type: 'response_item',
      payload: { type: 'message', id: `msg_${turn}`, role: 'assistant', content: [{ type: 'output_text', text: prose(turn + 3, 400), annotations: [] }] },
    };
    yield { timestamp, type: 'event_msg', payload: { type: 'task_complete', turn_id: turnId, last_agent_message: prose(turn + 3, 400) } };
  }
}

// Last, so the constants above are initialised before either mode runs.
if (process.argv[2] === '--child') {
  await child(process.argv[3], process.argv[4], process.argv[5]);
} else {
  await main();
}
