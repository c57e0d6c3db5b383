// Escape sequences take no room on screen; strip them when measuring.
const ESCAPES = /\u001B\[[0-9;]*m/g;
export const visible = (text: string) => text.replace(ESCAPES, '').length;

/**
 * Text from files or git (goals, names, paths) made safe to print: control
 * characters (newlines, tabs, escape sequences' ESC) would break the layout or
 * drive the terminal, so each becomes a space.
 */
export const printable = (text: string) => text.replace(/[\u0000-\u001F\u007F-\u009F]/g, ' ');

/** Cuts a line to `width` columns (escape sequences kept, a cut line ends in "…"); never wraps. */
export function cut(line: string, width: number): string {
  if (visible(line) <= width) return line;
  if (width <= 0) return '';
  let out = '';
  let used = 0;
  for (const part of line.split(/(\u001B\[[0-9;]*m)/)) {
    if (part.startsWith('\u001B[')) {
      out += part;
      continue;
    }
    const room = width - 1 - used;
    if (room <= 0) break;
    out += part.slice(0, room);
    used += Math.min(part.length, room);
  }
  return `${out}…${out.includes('\u001B[') ? '\u001B[0m' : ''}`;
}

export interface TableOptions {
  /** Terminal width: the last column is shortened first, then lines are cut. */
  width?: number;
  /** Least width of each column (for columns whose values are still to come). */
  minWidths?: number[];
}

/** Column widths: the widest cell of each, at least its minimum. */
export function columnWidths(header: string[], rows: string[][], minWidths: number[] = []): number[] {
  const all = [header, ...rows];
  return header.map((_, column) => Math.max(minWidths[column] ?? 0, ...all.map((row) => visible(row[column] ?? ''))));
}

/** One row laid out in the given widths; the last column is not padded. */
export function layoutRow(row: string[], widths: number[], width?: number): string {
  const line = row
    .map((cell, column) => (column === row.length - 1 ? cell : cell + ' '.repeat(Math.max(0, (widths[column] ?? 0) - visible(cell)))))
    .join('  ')
    .trimEnd();
  return width === undefined ? line : cut(line, width);
}

/** Left-aligned columns separated by two spaces; the last column is not padded. */
export function table(header: string[], rows: string[][], options: TableOptions = {}): string {
  const widths = columnWidths(header, rows, options.minWidths);
  return [header, ...rows].map((row) => layoutRow(row, widths, options.width)).join('\n');
}
