import { preconditionError } from '../core/infra/errors.js';

export async function runInstall(_client: string, _opts: { uninstall: boolean; global: boolean; repo?: string; allowEnd: boolean; checks: string[] }): Promise<void> {
  throw preconditionError('pwt mcp install is not built yet.', 'Register pwt by hand: the command is pwt mcp.');
}
