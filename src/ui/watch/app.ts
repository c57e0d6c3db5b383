import { createElement as h, useEffect, useRef, useState } from 'react';
import { Box, Text, useApp, useInput, useStdout } from 'ink';
import type { Provider } from '../../core/agents/vendors/types.js';
import type { WatchFrame } from '../../core/sessions/watch/model.js';
import { frameLines, HELP, type Line } from '../../core/sessions/watch/rows.js';

/**
 * The `pwt watch` screen (Ink): a header, one line per session and agent
 * (waiting first), a message line and the help line. Every line is cut to
 * the terminal's width, never wrapped. Without colour (NO_COLOR) the
 * markers carry the meaning: `>` selected, `!` waiting, `*` current session.
 */
export type Action = 'stop' | 'resume' | 'diff' | 'switch';

export interface AppProps {
  load(): Promise<WatchFrame>;
  act(action: Action, line: Line, provider?: Provider): Promise<string>;
  /** Called with every new frame and the one before (the bell for --notify). */
  onFrame(previous: WatchFrame | null, next: WatchFrame): void;
  /** How the view ended: attach to a line's agent, or quit. */
  onDone(outcome: { attach: Line } | { quit: true }): void;
  color: boolean;
  /** The providers whose CLI is installed: the only ones `n` offers. */
  providers: Provider[];
  /** The line selected when the view (re)opens, by key. */
  selected: string | null;
  /** A line to show first (what happened while the view was away). */
  message?: string;
  intervalMs: number;
}

export const lineKey = (line: Line): string => `${line.sessionId}/${line.agentId ?? ''}`;

export function App(props: AppProps) {
  const { exit } = useApp();
  const { stdout } = useStdout();
  const [frame, setFrame] = useState<WatchFrame | null>(null);
  const [selectedKey, setSelectedKey] = useState<string | null>(props.selected);
  const [message, setMessage] = useState(props.message ?? '');
  const [overlay, setOverlay] = useState<string[] | null>(null);
  const [picking, setPicking] = useState(false);
  const previous = useRef<WatchFrame | null>(null);

  useEffect(() => {
    let stopped = false;
    let timer: NodeJS.Timeout | undefined;
    const tick = async () => {
      try {
        const next = await props.load();
        if (stopped) return;
        props.onFrame(previous.current, next);
        previous.current = next;
        setFrame(next);
      } catch (error) {
        if (!stopped) setMessage(`refresh failed: ${(error as Error).message}`);
      }
      if (!stopped) timer = setTimeout(() => void tick(), props.intervalMs);
    };
    void tick();
    return () => {
      stopped = true;
      clearTimeout(timer);
    };
  }, []);

  const lines = frame ? frameLines(frame) : [];
  const index = Math.max(
    0,
    lines.findIndex((line) => lineKey(line) === selectedKey),
  );
  const selected = lines[index];

  const run = (action: Action, provider?: Provider) => {
    if (!selected) return;
    setMessage(`${action}…`);
    props.act(action, selected, provider).then(
      (text) => (action === 'diff' ? setOverlay(text.split('\n')) : setMessage(text)),
      (error: Error) => setMessage(error.message),
    );
  };

  useInput((input, key) => {
    if (overlay) return setOverlay(null);
    if (picking) {
      setPicking(false);
      const provider = props.providers[Number(input) - 1];
      if (provider) run('switch', provider);
      else setMessage('');
      return;
    }
    const move = (delta: number) => {
      const next = lines[Math.min(lines.length - 1, Math.max(0, index + delta))];
      if (next) setSelectedKey(lineKey(next));
    };
    // Keys typed quickly arrive together ("jj"): count them.
    if (key.upArrow || key.downArrow || /^[jk]+$/.test(input))
      move(key.upArrow ? -1 : key.downArrow ? 1 : [...input].reduce((sum, c) => sum + (c === 'j' ? 1 : -1), 0));
    else if (input === 'q') {
      props.onDone({ quit: true });
      exit();
    } else if (key.return && selected) {
      props.onDone({ attach: selected });
      exit();
    } else if (input === 's') run('stop');
    else if (input === 'r') run('resume');
    else if (input === 'd') run('diff');
    else if (input === 'n' && selected) {
      if (props.providers.length === 0) return setMessage('No agent CLI is installed here: pwt doctor says how.');
      // One provider a line: the list fits any width (the message line alone would not hold seven).
      setPicking(true);
      setMessage('');
    }
  });

  const width = stdout.columns || 80;
  const height = stdout.rows || 24;
  const cut = (text: string, extra: Record<string, unknown> = {}) => h(Text, { wrap: 'truncate-end', ...extra }, text || ' ');
  const header = frame
    ? `pwt watch · ${frame.project} · ${frame.sessions.length} sessions · ${lines.filter((l) => l.kind === 'agent' && l.waiting).length} waiting`
    : 'pwt watch · reading…';
  const room = Math.max(1, height - 4);
  const picker = picking && selected ? [`switch ${selected.sessionId} to:`, ...props.providers.map((provider, i) => `  ${i + 1} ${provider}`)] : null;
  const body = overlay ?? picker ?? [];
  let content;
  if (overlay || picker) {
    content = body.slice(0, room).map((text, i) => h(Box, { key: `o${i}`, width }, cut(text)));
  } else {
    const start = Math.min(Math.max(0, index - room + 1), Math.max(0, lines.length - room));
    content = lines.slice(start, start + room).map((line, i) => {
      const isSelected = start + i === index;
      const mark = `${isSelected ? '>' : ' '}${line.waiting ? '!' : ' '}${line.current ? '*' : ' '} `;
      const style = props.color ? { inverse: isSelected, color: line.waiting ? 'yellow' : undefined, bold: line.waiting || line.kind === 'session' } : {};
      return h(Box, { key: lineKey(line), width }, cut(`${mark}${line.text}`, style));
    });
    if (frame && lines.length === 0) content = [h(Box, { key: 'empty', width }, cut('No sessions yet: pwt create <name>'))];
  }
  return h(
    Box,
    { flexDirection: 'column', width, height: height - 1 },
    h(Box, { width }, cut(header, props.color ? { bold: true } : {})),
    h(Box, { flexDirection: 'column', flexGrow: 1 }, ...content),
    h(Box, { width }, cut(message)),
    h(
      Box,
      { width },
      cut(overlay ? 'any key: back' : picker ? `1-${props.providers.length}: switch · any other key: cancel` : HELP, props.color ? { dimColor: true } : {}),
    ),
  );
}
