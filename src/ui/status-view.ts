import type { AgentSummary, KeptBranch, MainStatus, Orphan, SessionStatus, StatusEvents, StatusReport, StatusSkeleton } from '../core/sessions/status.js';
import { age } from '../core/infra/time.js';
import { color } from './log.js';
import { columnWidths, cut, layoutRow, printable, table } from './table.js';

/**
 * The human `pwt status`, drawn while the report is gathered. At a terminal
 * the skeleton (everything the manifest knows) appears at once and is redrawn
 * in place as each row's counts arrive; piped, or when the table is taller
 * than the terminal, complete rows are printed in order as they are ready.
 * Lines are cut to the terminal's width, never wrapped.
 */
export interface Screen {
  write(text: string): void;
  /** Columns and rows of the terminal; undefined when not a terminal. */
  size(): { columns: number; rows: number } | undefined;
}

export const stdoutScreen: Screen = {
  write: (text) => process.stdout.write(text),
  size: () => (process.stdout.isTTY ? { columns: process.stdout.columns || 80, rows: process.stdout.rows || 24 } : undefined),
};

const PENDING = '…';
const HEADER = ['SESSION', 'BRANCH', 'AGE', 'CHANGES', 'AHEAD/BEHIND', 'AGENT', 'GOAL'];
// Room kept for counts still to come, so rows printed early line up with later ones.
const MIN_WIDTHS = [0, 0, 0, '999 changed'.length, 'AHEAD/BEHIND'.length, 0, 0];

const ORPHAN_HINT: Record<string, string> = {
  'missing-worktree': 'worktree folder is gone',
  'unregistered-worktree': 'git worktree not in the manifest',
  'stray-directory': 'folder that is not a worktree',
  prunable: 'git admin entry without its folder',
};

type Row = StatusSkeleton['sessions'][number] & Partial<SessionStatus>;

/** `B on A` for a session stacked on another (`pwt create B --on A`: its base is A's branch). */
const sessionCell = (row: Row, prefix: string) =>
  row.base?.startsWith(prefix) && row.base !== row.branch ? `${printable(row.id)} on ${printable(row.base.slice(prefix.length))}` : printable(row.id);

function cells(row: Row, done: boolean, prefix: string): string[] {
  const changes = !done ? color.dim(PENDING) : !row.exists ? color.red('missing') : row.dirty ? color.yellow(`${row.changes} changed`) : 'clean';
  const counts = !done ? color.dim(PENDING) : row.ahead === null || row.ahead === undefined ? '-' : `+${row.ahead}/-${row.behind}`;
  // Only the checked answer: a remembered "running" may be a dead agent. A usage limit: "claude limited until 21:47".
  const limited = (row.agents as AgentSummary[] | undefined)?.find((each) => each.limited);
  const until = limited?.limited?.until ? ` until ${new Date(limited.limited.until).toTimeString().slice(0, 5)}` : '';
  const agent = limited ? `${limited.provider} limited${until}` : (row.activeAgent ?? '-');
  return [
    sessionCell(row, prefix) + (row.notes?.length ? color.yellow(' !') : ''),
    printable(row.branch),
    age(row.startedAt),
    changes,
    counts,
    printable(agent),
    printable(row.goals[0] ?? ''),
  ];
}

function titleLine(skeleton: StatusSkeleton, main: MainStatus | undefined): string {
  const state = !main ? color.dim(PENDING) : `${printable(main.branch ?? 'detached HEAD')}, ${main.dirty ? color.yellow('dirty') : 'clean'}`;
  return `${color.bold(printable(skeleton.project))}  main worktree: ${state}  (${printable(skeleton.mainPath)})`;
}

export function statusView(branchPrefix: string, screen: Screen = stdoutScreen): StatusEvents & { finish(report: StatusReport): void } {
  let skeleton: StatusSkeleton | undefined;
  let main: MainStatus | undefined;
  let rows: Row[] = [];
  const done: boolean[] = [];
  let live = false;
  let drawn = 0; // lines on screen that a redraw rewrites
  let printed = 0; // plain mode: rows printed
  let timer: NodeJS.Timeout | undefined;
  let width: number | undefined;

  let branchColumn = true; // left out while every branch is <prefix><name>
  const marker = (row: Row | null) => (skeleton?.current ? (row?.id === skeleton.current ? '* ' : '  ') : '');
  const pick = (line: string[]) => (branchColumn ? line : line.filter((_, column) => column !== 1));
  const widths = () =>
    columnWidths(
      pick(HEADER),
      rows.map((row, i) => pick(cells(row, done[i] === true, branchPrefix))),
      pick(MIN_WIDTHS.map(String)).map(Number),
    );
  const fit = (line: string) => (width === undefined ? line : cut(line, width));
  const rowLine = (index: number, w: number[]) =>
    fit(marker(rows[index] as Row) + layoutRow(pick(cells(rows[index] as Row, done[index] === true, branchPrefix)), w));
  const headerLine = (w: number[]) => fit(marker(null) + layoutRow(pick(HEADER), w));

  const region = () => {
    const w = widths();
    return [fit(titleLine(skeleton as StatusSkeleton, main)), '', headerLine(w), ...rows.map((_, i) => rowLine(i, w))];
  };
  const redraw = () => {
    timer = undefined;
    const lines = region();
    screen.write(`${drawn ? `\u001B[${drawn}F` : ''}${lines.map((line) => `\u001B[2K${line}\n`).join('')}`);
    drawn = lines.length;
  };
  const schedule = () => {
    timer ??= setTimeout(redraw, 40);
  };
  // Plain mode: the title and header once the main worktree is known, then each row once it and all before it are done.
  // Column widths are fixed when the header is printed (from the skeleton, with room kept for the counts).
  let frozen: number[] | undefined;
  const flush = () => {
    if (!main || !skeleton) return;
    if (!frozen) {
      frozen = widths();
      screen.write(`${fit(titleLine(skeleton, main))}\n\n${headerLine(frozen)}\n`);
      printed = 0;
    }
    let text = '';
    while (printed < rows.length && done[printed]) text += `${rowLine(printed++, frozen)}\n`;
    if (text) screen.write(text);
  };

  return {
    skeleton(value) {
      skeleton = value;
      rows = value.sessions;
      branchColumn = rows.some((row) => row.branch !== `${branchPrefix}${row.id}`);
      const size = screen.size();
      width = size ? Math.max(20, size.columns - 1) : undefined;
      live = rows.length > 0 && size !== undefined && rows.length + 4 < size.rows;
      if (live) redraw();
    },
    main(value) {
      main = value;
      if (live) schedule();
      else if (rows.length > 0) flush();
    },
    session(index, status) {
      rows[index] = status;
      done[index] = true;
      if (live) schedule();
      else flush();
    },
    finish(report) {
      if (timer) clearTimeout(timer);
      main = report.main;
      rows = report.sessions.map((session) => ({ ...session }));
      rows.forEach((_, i) => (done[i] = true));
      if (live) redraw();
      else if (rows.length > 0) flush();
      else screen.write(`${fit(titleLine(skeleton as StatusSkeleton, main))}\n`);
      if (report.sessions.length === 0 && report.orphans.length === 0 && !report.kept?.length) {
        screen.write('No sessions yet. Start one with: pwt create <name> --goal "what it is for"\n');
      } else if (report.sessions.length === 0) {
        screen.write('No sessions in the manifest.\n');
      }
      if (report.sessions.some((session) => session.notes.length)) screen.write(notesText(report.sessions, width));
      if (report.orphans.length > 0) screen.write(orphansText(report.orphans, width));
      if (report.kept?.length) screen.write(keptText(report.kept, width));
    },
  };
}

/** The `!` rows: what a user should look at before ending those sessions. */
function notesText(sessions: SessionStatus[], width: number | undefined): string {
  const lines = sessions.flatMap((session) => session.notes.map((note) => `  ${printable(session.id)}: ${note.kind}: ${printable(note.detail)}`));
  const shown = lines.map((line) => (width === undefined ? line : cut(line, width)));
  return `\n${color.yellow('! Look at these before ending the sessions:')}\n${shown.join('\n')}\n`;
}

function orphansText(orphans: Orphan[], width: number | undefined): string {
  const rows = orphans.map((orphan) => [
    orphan.kind,
    printable(orphan.id ?? orphan.branch ?? '-'),
    printable(orphan.path ?? '-'),
    ORPHAN_HINT[orphan.kind] ?? '',
  ]);
  return `\n${color.yellow(`Orphans (${orphans.length}) - pwt cleanup repairs them:`)}\n${table(['KIND', 'NAME', 'PATH', 'WHAT'], rows, { width })}\n`;
}

function keptText(kept: KeptBranch[], width: number | undefined): string {
  const rows = kept.map((each) => [printable(each.branch), printable(each.base ?? '-'), each.ahead === null ? '-' : `+${each.ahead}`]);
  return `\nKept branches without a worktree (${kept.length}) - pwt open <branch> brings one back:\n${table(['BRANCH', 'BASE', 'AHEAD'], rows, { width })}\n`;
}
