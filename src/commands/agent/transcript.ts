import { defineCommand } from 'citty';
import { agentTranscript, parseProvider } from '../../core/agents/lookup.js';
import type { Transcript } from '../../core/agents/vendors/types.js';
import { usageError } from '../../core/infra/errors.js';
import { cutRecent, recentJson } from '../../core/agents/transcript-render.js';
import { printJson, printRaw } from '../../ui/log.js';
import { PROVIDERS } from '../../core/agents/vendors/types.js';

const MIN_CHARS = 200;

function parseMaxChars(value: string | undefined): number | null {
  if (value === undefined) return null;
  const chars = Number(value);
  if (!/^\d+$/.test(value) || chars < MIN_CHARS)
    throw usageError(`--max-chars must be a whole number of at least ${MIN_CHARS} (got "${value}").`, 'Example: --max-chars 50000');
  return chars;
}

function markdown(transcript: Transcript, maxChars: number | null): string {
  const header = `# ${transcript.provider} session ${transcript.id}\n\n`;
  if (transcript.messages.length === 0) return `${header}(no messages)\n`;
  return `${header}${cutRecent(transcript.messages, (maxChars ?? Infinity) - header.length).text}`;
}

export default defineCommand({
  meta: { name: 'transcript', description: 'One agent session as a normalized transcript (default: the newest of this directory)' },
  args: {
    provider: { type: 'positional', description: `Provider (${PROVIDERS.join(', ')})`, required: true },
    id: { type: 'positional', description: "The vendor's session id (default: the newest session of the current directory)", required: false },
    json: { type: 'boolean', description: 'Print JSON: { provider, id, messages: [ { role, text, tools: [ { name, input, output } ], at } ] }' },
    markdown: { type: 'boolean', description: 'Print markdown (the default)' },
    maxChars: {
      type: 'string',
      description:
        'Keep only the most recent messages that fit in N characters (an older message that does not fit ' +
        'whole keeps its end, marked as cut, when 2,000 or more characters are left)',
    },
  },
  async run({ args }) {
    if (args.json && args.markdown) throw usageError('--json and --markdown exclude each other.', 'Pick one.');
    const provider = parseProvider(args.provider);
    const maxChars = parseMaxChars(args.maxChars);
    const transcript = await agentTranscript(provider, args.id || undefined, process.cwd());
    if (args.json) return printJson(maxChars === null ? transcript : recentJson(transcript, maxChars));
    const text = markdown(transcript, maxChars);
    printRaw(text.endsWith('\n') ? text : `${text}\n`);
  },
});
