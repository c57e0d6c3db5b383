import type { Check } from '../infra/check.js';
import { registrations, shown } from '../agents/mcp-clients.js';

/** `pwt doctor`: where pwt is registered as an MCP server (each client's project and user files). */
export function mcpCheck(root: string | null): Check {
  const found = registrations(root);
  if (found.length === 0)
    return { name: 'mcp', level: 'ok', detail: 'pwt is not registered as an MCP server in any agent CLI (optional: pwt mcp install <client>)' };
  return {
    name: 'mcp',
    level: 'ok',
    detail:
      `registered for ` +
      `${found.map((each) => `${each.client} (${root ? shown(each.file, root) : each.file}${each.scope === 'user' ? ', user' : ''})`).join(', ')}`,
  };
}
