import { createReadStream } from 'node:fs';
import type { Readable } from 'node:stream';
import * as zlib from 'node:zlib';
import { preconditionError } from '../../infra/errors.js';
import { streamStdout } from '../../infra/process.js';
import { findExecutable } from './common.js';

/**
 * Streams a zstd-compressed file (codex can store rollouts as
 * `rollout-*.jsonl.zst`) as decompressed text. Node's zlib gained zstd in
 * 22.15 / 23.8; pwt supports Node 20, so without it we stream through the
 * `zstd` command (Debian/Ubuntu/Homebrew package "zstd") instead of adding an
 * npm dependency. The child is spawned directly (no shell) and is ended when
 * the reader stops early (jsonl.ts destroys the stream, the child gets EPIPE).
 */
type ZstdFactory = () => NodeJS.ReadWriteStream;

export function openZstd(file: string, env: NodeJS.ProcessEnv = process.env): Readable {
  const native = (zlib as { createZstdDecompress?: ZstdFactory }).createZstdDecompress;
  if (typeof native === 'function') {
    const decompressed = createReadStream(file).pipe(native()) as unknown as Readable;
    decompressed.setEncoding('utf8');
    return decompressed;
  }
  const zstd = findExecutable('zstd', env);
  if (!zstd) {
    throw preconditionError(
      `${file} is zstd-compressed and this Node has no zstd support.`,
      'Install the zstd command (e.g. apt-get install zstd, brew install zstd) or use Node 22.15+.',
    );
  }
  return streamStdout(zstd, ['-d', '-c', '-q', '--', file]);
}
