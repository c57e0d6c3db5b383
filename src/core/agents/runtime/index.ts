/**
 * The agent runtime's entry points (a barrel, no logic): the lifecycle verbs
 * (lifecycle.ts), their shared context (context.ts), the pure launch rules
 * (plan.ts) and listing (list.ts). docs/agents-runtime.md describes them.
 */
export {
  defaultProvider,
  parseProviderName,
  removeAgent,
  resumeAgent,
  runningAgent,
  startAgent,
  stopAgent,
  stopSessionAgents,
  type AgentRef,
  type Launch,
  type StartOptions,
} from './lifecycle.js';
export { captureIfUnknown, resolveAgent, type Ctx } from './context.js';
export type { AgentNote, AgentNoteKind } from './notes.js';
export { agentNoteText, noteWithText } from './note-text.js';
export { listAgents, viewOf, type AgentView } from './list.js';
