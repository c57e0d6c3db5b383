/**
 * A value as one shell word for a hint a person copies: kept as it is when
 * it holds only characters no shell treats specially, else single-quoted
 * (a ' inside becomes '\''), so a path with spaces still works when pasted.
 */
export function shellWord(value: string): string {
  if (/^[A-Za-z0-9_./,:@%+=-]+$/.test(value)) return value;
  return `'${value.replace(/'/g, `'\\''`)}'`;
}
