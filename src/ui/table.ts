// Escape sequences take no room on screen; strip them when measuring.
// eslint-disable-next-line no-control-regex
const visible = (text: string) => text.replace(/\u001B\[[0-9;]*m/g, '').length;

/** Left-aligned columns separated by two spaces; the last column is not padded. */
export function table(header: string[], rows: string[][]): string {
  const all = [header, ...rows];
  const widths = header.map((_, column) => Math.max(...all.map((row) => visible(row[column] ?? ''))));
  return all
    .map((row) => row.map((cell, column) => (column === row.length - 1 ? cell : cell + ' '.repeat((widths[column] ?? 0) - visible(cell)))).join('  ').trimEnd())
    .join('\n');
}
