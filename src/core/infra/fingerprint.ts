/**
 * A fingerprint of a text, only ever compared with another made the same way
 * (a screen with the previous one of its pane, a file's path as a cache
 * file's name): two 32-bit FNV-1a-style lanes (64 bits). Not node:crypto,
 * whose loading costs every `pwt agent list` several milliseconds.
 */
export function fingerprint(text: string): string {
  let a = 0x811c9dc5;
  let b = 0x01000193 ^ text.length;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    a = Math.imul(a ^ code, 0x01000193);
    b = Math.imul(b ^ code, 0x5bd1e995) ^ (b >>> 15);
  }
  return `${(a >>> 0).toString(16).padStart(8, '0')}${(b >>> 0).toString(16).padStart(8, '0')}`;
}
