import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { activityLaunch, opencodePluginFile } from '../../../../../src/core/agents/runtime/activity/launch.js';

describe('opencode: pwt adds its plugin through OPENCODE_CONFIG_CONTENT', () => {
  const plugin = `file://${opencodePluginFile('/state/agents', 'a-opencode')}`;

  it('without a value of the user: a config holding only the plugin, and the plugin file to write', () => {
    const launch = activityLaunch('opencode', '/state/agents', 'a-opencode', {});
    expect(launch.args).toEqual([]);
    expect(JSON.parse(launch.env.OPENCODE_CONFIG_CONTENT!)).toEqual({ plugin: [plugin] });
    expect(launch.files.map((file) => file.path)).toEqual(['/state/agents/a-opencode.opencode-plugin.js']);
    expect(launch.files[0]!.content).toContain('"_agent-event","/state/agents","a-opencode"');
    // It imports pwt's shared plugin, which the package ships.
    const shared = /from "(file:[^"]+)"/.exec(launch.files[0]!.content)![1]!;
    expect(shared).toMatch(/\/hooks\/opencode-activity\.js$/);
    expect(existsSync(fileURLToPath(shared))).toBe(true);
  });

  it("the user's own value is kept, the plugin appended to its plugins", () => {
    const env = { OPENCODE_CONFIG_CONTENT: JSON.stringify({ autoupdate: false, plugin: ['their-plugin'] }) };
    const launch = activityLaunch('opencode', '/state/agents', 'a-opencode', env);
    expect(JSON.parse(launch.env.OPENCODE_CONFIG_CONTENT!)).toEqual({ autoupdate: false, plugin: ['their-plugin', plugin] });
  });

  it('a value that is not a JSON object is left alone: no plugin, no env, the screen decides', () => {
    for (const value of ['{ not json', '[1]']) {
      expect(activityLaunch('opencode', '/state/agents', 'a-opencode', { OPENCODE_CONFIG_CONTENT: value })).toEqual({ args: [], files: [], env: {} });
    }
  });
});
