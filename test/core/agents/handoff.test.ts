import { describe, expect, it } from 'vitest';
import type { Transcript, TranscriptMessage } from '../../../src/core/agents/vendors/types.js';
import { buildHandoff, MIN_HANDOFF_CHARS } from '../../../src/core/agents/handoff.js';
import { renderMessage, summarizeTool } from '../../../src/core/agents/transcript-render.js';

const user = (text: string): TranscriptMessage => ({ role: 'user', text, tools: [], at: null });
const assistant = (text: string, tools: TranscriptMessage['tools'] = []): TranscriptMessage => ({ role: 'assistant', text, tools, at: null });
const transcript = (messages: TranscriptMessage[]): Transcript => ({ provider: 'claude', id: 'abc-123', messages });

/** Ten messages of 1,000 characters each ("m0" ... "m9" at the start of each). */
const ten = Array.from({ length: 10 }, (_, i) => (i % 2 === 0 ? user : assistant)(`m${i} ${'x'.repeat(997)}`));
const shown = (text: string) => [...text.matchAll(/^(m\d) /gm)].map((match) => match[1]);

describe('buildHandoff: cut rules', () => {
  const rows: { name: string; messages: TranscriptMessage[]; maxChars: number; kept: string[]; marker: string | null }[] = [
    {
      name: 'everything fits: all messages, no marker',
      messages: ten,
      maxChars: 50_000,
      kept: ['m0', 'm1', 'm2', 'm3', 'm4', 'm5', 'm6', 'm7', 'm8', 'm9'],
      marker: null,
    },
    {
      name: 'over budget: the most recent messages, whole, with a marker counting the rest',
      messages: ten,
      maxChars: 5_000,
      kept: ['m6', 'm7', 'm8', 'm9'],
      marker: '[... 6 earlier messages left out ...]',
    },
    { name: 'budget for one message: only the newest', messages: ten, maxChars: 2_000, kept: ['m9'], marker: '[... 9 earlier messages left out ...]' },
    { name: 'one message only: never a marker', messages: [ten[0]!], maxChars: 50_000, kept: ['m0'], marker: null },
  ];
  for (const row of rows) {
    it(row.name, () => {
      const text = buildHandoff(transcript(row.messages), { maxChars: row.maxChars });
      expect(text.length).toBeLessThanOrEqual(row.maxChars);
      expect(shown(text)).toEqual(row.kept);
      if (row.marker) expect(text).toContain(row.marker);
      else expect(text).not.toContain('left out');
      // Cut at a message boundary: every kept message is there in full.
      for (const message of row.messages.filter((m) => row.kept.includes(m.text.slice(0, 2)))) expect(text).toContain(renderMessage(message));
    });
  }

  it('a limit one character short of a message drops that message entirely', () => {
    const full = buildHandoff(transcript(ten.slice(7)), { maxChars: 50_000 });
    expect(shown(buildHandoff(transcript(ten.slice(7)), { maxChars: full.length }))).toEqual(['m7', 'm8', 'm9']);
    const short = buildHandoff(transcript(ten.slice(7)), { maxChars: full.length - 1 });
    expect(shown(short)).toEqual(['m8', 'm9']);
    expect(short).toContain('[... 1 earlier message left out ...]');
  });

  it('a newest message larger than the limit keeps its end and says its start was left out', () => {
    const huge = assistant(`START ${'y'.repeat(5_000)} THE-END`);
    const text = buildHandoff(transcript([user('question'), huge]), { maxChars: MIN_HANDOFF_CHARS });
    expect(text.length).toBeLessThanOrEqual(MIN_HANDOFF_CHARS);
    expect(text).toContain('[... the start of this message was left out ...]');
    expect(text).toContain('[... 1 earlier message left out ...]');
    expect(text).toMatch(/THE-END\n$/);
    expect(text).not.toContain('START');
  });

  it('a task message over the limit before a short reply: the reply whole and the end of the task, marked as cut (not the reply alone)', () => {
    const task = user(`TASK-START ${'t'.repeat(60_000)} TASK-END`);
    const reply = assistant(`short reply ${'r'.repeat(500)}`);
    const text = buildHandoff(transcript([task, reply]), { maxChars: 50_000 });
    expect(text.length).toBeLessThanOrEqual(50_000);
    expect(text.length).toBeGreaterThan(45_000);
    expect(text).toContain(renderMessage(reply));
    expect(text).toContain('[... the start of this message was left out ...]');
    expect(text).toContain('TASK-END');
    expect(text).not.toContain('TASK-START');
    expect(text).not.toMatch(/earlier messages? left out/);
    expect(text.indexOf('TASK-END')).toBeLessThan(text.indexOf('short reply'));
  });

  it('an empty transcript gives no section', () => {
    expect(buildHandoff(transcript([]))).toBe('');
  });

  it('refuses a limit too small for a section', () => {
    expect(() => buildHandoff(transcript(ten), { maxChars: MIN_HANDOFF_CHARS - 1 })).toThrow(RangeError);
  });
});

describe('buildHandoff: content', () => {
  it('names the section, the source provider and session, and how much is shown', () => {
    const all = buildHandoff(transcript([user('hi'), assistant('hello')]));
    expect(all).toMatch(/^## Previous Session Context\n/);
    expect(all).toContain('**claude** (session `abc-123`)');
    expect(all).toContain('all 2 messages');
    expect(buildHandoff(transcript(ten), { from: 'codex', maxChars: 3_000 })).toContain(
      '**codex** (session `abc-123`). Below is the most recent 2 of 10 messages',
    );
  });

  it('keeps roles, order and times', () => {
    const text = buildHandoff(transcript([{ ...user('first'), at: '2026-11-21T09:28:12.526Z' }, assistant('second')]));
    expect(text.indexOf('### User (2026-11-21 09:28 UTC)\nfirst')).toBeGreaterThan(0);
    expect(text.indexOf('### Assistant\nsecond')).toBeGreaterThan(text.indexOf('first'));
  });
});

describe('summarizeTool: one line per call', () => {
  it.each([
    ['a shell command and its first output line', { name: 'bash', input: { command: 'echo hi' }, output: 'hi\n' }, '- tool bash: echo hi → hi'],
    ['multi-line output counts its lines', { name: 'Bash', input: { command: 'ls' }, output: 'a\nb\nc' }, '- tool Bash: ls → a (3 lines)'],
    ['codex argv arrays are joined', { name: 'exec_command', input: { cmd: ['bash', '-lc', 'ls'] }, output: '' }, '- tool exec_command: bash -lc ls'],
    ['a path when there is no command', { name: 'read', input: { filePath: '/src/cli.ts' }, output: '<file>' }, '- tool read: /src/cli.ts → <file>'],
    ['other inputs as compact JSON', { name: 'todo', input: { items: [1, 2] }, output: '' }, '- tool todo: {"items":[1,2]}'],
  ])('%s', (_name, tool, line) => {
    expect(summarizeTool(tool)).toBe(line);
  });

  it('never spans lines or grows with the input', () => {
    const line = summarizeTool({ name: 'bash', input: { command: `cat <<EOF\n${'z'.repeat(10_000)}\nEOF` }, output: `${'o'.repeat(500)}\nmore` });
    expect(line).not.toContain('\n');
    expect(line.length).toBeLessThan(200);
  });
});
