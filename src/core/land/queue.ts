import type { Candidate, Dropped, Ejected, Landed } from './state.js';

/**
 * The queue: candidates merged one after another onto the last green result,
 * checked as a batch, a red batch bisected so only the culprit is ejected.
 * No I/O here: merging and checking come in through `QueueIO`, so the rules
 * (who lands, who is ejected, how many checks) are tested with fakes
 * (test/core/land/queue.test.ts). With every candidate green this runs one
 * check; with one red among n, about 2·log2(n) more.
 */
export type MergeOutcome = { commit: string } | { conflicts: string[] } | { already: true };

export interface QueueIO {
  /** `candidate` merged (or squashed) onto `onto`: the new commit, the conflicting files, or "already in". */
  merge(onto: string, candidate: Candidate): Promise<MergeOutcome>;
  /** Runs (or recalls) the check on `commit`; `batch` are the candidates it holds beyond the last green result. */
  check(commit: string, batch: Candidate[]): Promise<{ ok: boolean; log?: string }>;
}

export interface QueueOutcome {
  /** The last green result: what the base moves to (the start when nothing landed). */
  green: string;
  landed: Landed[];
  ejected: Ejected[];
  dropped: Dropped[];
}

export async function runQueue(start: string, candidates: Candidate[], io: QueueIO, opts: { check: boolean }): Promise<QueueOutcome> {
  const out: QueueOutcome = { green: start, landed: [], ejected: [], dropped: [] };
  const gone = new Set<string>();
  const byId = new Map(candidates.map((each) => [each.session, each]));
  /** A candidate stacked (directly or not) on one that was ejected would bring its commits in: it is dropped. */
  const parentGone = (candidate: Candidate): string | null => {
    for (let up = candidate.parent; up; up = byId.get(up)?.parent) if (gone.has(up)) return up;
    return null;
  };
  const eject = (ejection: Ejected) => {
    out.ejected.push(ejection);
    gone.add(ejection.session);
  };

  const land = async (green: string, batch: Candidate[]): Promise<string> => {
    let top = green;
    const chain: Array<{ candidate: Candidate; commit: string; already?: boolean }> = [];
    for (const candidate of batch) {
      if (gone.has(candidate.session)) continue;
      const parent = parentGone(candidate);
      if (parent) {
        gone.add(candidate.session);
        out.dropped.push({ session: candidate.session, reason: `it stands on ${parent}, which was ejected` });
        continue;
      }
      const merged = await io.merge(top, candidate);
      if ('conflicts' in merged) {
        eject({ session: candidate.session, reason: 'conflict', files: merged.conflicts });
        continue;
      }
      if ('already' in merged) chain.push({ candidate, commit: top, already: true });
      else {
        top = merged.commit;
        chain.push({ candidate, commit: top });
      }
    }
    if (chain.length === 0) return green;
    const accept = () => {
      for (const link of chain) out.landed.push({ session: link.candidate.session, commit: link.commit, ...(link.already ? { already: true } : {}) });
      return top;
    };
    if (!opts.check || top === green) return accept();
    const result = await io.check(
      top,
      chain.map((link) => link.candidate),
    );
    if (result.ok) return accept();
    const tried = chain.filter((link) => !link.already);
    if (tried.length === 1) {
      for (const link of chain) if (link.already) out.landed.push({ session: link.candidate.session, commit: green, already: true });
      eject({ session: tried[0]!.candidate.session, reason: 'check', ...(result.log ? { log: result.log } : {}) });
      return green;
    }
    // Red: bisect. The first half is landed (or bisected further) on the green result, the rest on what that left.
    const half = Math.ceil(chain.length / 2);
    const left = await land(
      green,
      chain.slice(0, half).map((link) => link.candidate),
    );
    return land(
      left,
      chain.slice(half).map((link) => link.candidate),
    );
  };

  out.green = await land(start, candidates);
  return out;
}
