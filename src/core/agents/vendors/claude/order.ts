/**
 * Claude Code links its records into a chain (`uuid`, `parentUuid`), and the
 * file order is not always the chain order: the interactive TUI can append
 * the assistant's first reply before the user record that prompted it
 * (measured with 2.1.197 under load; the attachments between them too). This
 * puts records back in chain order while streaming: a record whose parent has
 * not been seen yet waits until the parent comes. Out-of-order stretches are
 * short, so little waits; only the uuids seen so far are kept.
 *
 * Records without a uuid (mode, snapshots, last-prompt) pass straight through.
 * A uuid seen twice is dropped (the later copy). Records whose parent never
 * comes (a line cut off, a session continued from another file) are released
 * at the end in file order.
 */
type Rec = Record<string, unknown>;

export async function* inChainOrder(records: AsyncIterable<Rec>): AsyncGenerator<Rec> {
  const seen = new Set<string>();
  // parentUuid -> records waiting for it, in file order
  const waiting = new Map<string, Rec[]>();

  function* release(first: Rec): Generator<Rec> {
    const stack = [first];
    while (stack.length > 0) {
      const record = stack.pop()!;
      const uuid = record.uuid as string;
      if (seen.has(uuid)) continue;
      seen.add(uuid);
      yield record;
      const children = waiting.get(uuid);
      if (children) {
        waiting.delete(uuid);
        // Reversed onto the stack, so siblings come out in file order.
        for (let i = children.length - 1; i >= 0; i--) stack.push(children[i]!);
      }
    }
  }

  for await (const record of records) {
    const uuid = record.uuid;
    if (typeof uuid !== 'string') {
      yield record;
      continue;
    }
    if (seen.has(uuid)) continue;
    const parent = record.parentUuid;
    if (typeof parent === 'string' && !seen.has(parent)) {
      const list = waiting.get(parent);
      if (list) list.push(record);
      else waiting.set(parent, [record]);
      continue;
    }
    yield* release(record);
  }
  for (const [parent, children] of waiting) {
    waiting.delete(parent);
    for (const child of children) yield* release(child);
  }
}
