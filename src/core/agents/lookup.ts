import { preconditionError, PwtError } from '../infra/errors.js';
import { messages } from '../infra/messages.js';
import { newestFirst, realCwd } from './vendors/common.js';
import { hasAdapter, loadAdapter } from './vendors/index.js';
import { PROVIDERS, type AgentSessionInfo, type Provider, type Transcript } from './vendors/types.js';

/**
 * What `pwt agent sessions` and `pwt agent transcript` do, apart from
 * printing: validate a provider name, gather every provider's sessions for a
 * folder, find the newest session when no id is given.
 */
export function parseProvider(value: string): Provider {
  if ((PROVIDERS as readonly string[]).includes(value)) {
    const provider = value as Provider;
    if (!hasAdapter(provider)) throw preconditionError(`This pwt cannot read ${provider} sessions yet.`, 'Update pwt.');
    return provider;
  }
  throw messages.unknownProvider(value, PROVIDERS);
}

export interface SessionsReport {
  cwd: string;
  sessions: AgentSessionInfo[];
  /** Providers whose sessions could not be read (e.g. a missing optional package), with why. */
  problems: { provider: Provider; message: string }[];
}

/**
 * Sessions of the given providers (all by default) for `cwd`, newest first.
 * With one provider its failure is the command's; with all, one provider's
 * failure is reported and the others are still listed.
 */
export async function agentSessions(cwd: string, providers: Provider[] | null, env: NodeJS.ProcessEnv = process.env): Promise<SessionsReport> {
  const chosen = providers ?? PROVIDERS.filter(hasAdapter);
  const problems: SessionsReport['problems'] = [];
  const lists = await Promise.all(
    chosen.map(async (provider) => {
      try {
        return await (await loadAdapter(provider)).listSessions(cwd, env);
      } catch (error) {
        if (!(error instanceof PwtError) || providers) throw error;
        problems.push({ provider, message: `${error.message}${error.hint ? ` ${error.hint}` : ''}` });
        return [];
      }
    }),
  );
  return { cwd: realCwd(cwd), sessions: newestFirst(lists.flat()), problems };
}

/** The transcript of session `id`, or of the newest session of `provider` in `cwd`. */
export async function agentTranscript(provider: Provider, id: string | undefined, cwd: string, env: NodeJS.ProcessEnv = process.env): Promise<Transcript> {
  const adapter = await loadAdapter(provider);
  let target = id;
  if (!target) {
    const [newest] = await adapter.listSessions(cwd, env);
    if (!newest)
      throw preconditionError(
        `No ${provider} sessions for ${realCwd(cwd)}.`,
        `Run pwt agent sessions to see the sessions here, or pass an id: pwt agent transcript ${provider} <id>`,
      );
    target = newest.id;
  }
  return adapter.readTranscript(target, { cwd, env });
}
