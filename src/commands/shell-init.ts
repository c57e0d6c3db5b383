import { defineCommand } from 'citty';
import { usageError } from '../core/infra/errors.js';
import { detectShell, loadLine, parseShell, shellScript, SHELLS } from '../core/shell/integration.js';
import { installRc, uninstallRc } from '../core/shell/install.js';
import { log, printRaw } from '../ui/log.js';

export default defineCommand({
  meta: {
    name: 'shell-init',
    description: `Print the shell integration (pcd, pstart, pend, completion) for ${SHELLS.join('|')}; --install adds the line that loads it to your rc file`,
  },
  args: {
    shell: { type: 'positional', required: false, description: `${SHELLS.join(', ')} (with --install/--uninstall: default from $SHELL)` },
    install: { type: 'boolean', description: 'Add the guarded load line to ~/.bashrc, $ZDOTDIR/.zshrc or ~/.config/fish/config.fish (once)' },
    uninstall: { type: 'boolean', description: 'Remove the line --install added' },
  },
  async run({ args }) {
    if (args.install && args.uninstall) throw usageError('Use --install or --uninstall, not both.', 'Run: pwt shell-init --help');
    if (!args.install && !args.uninstall) {
      // stdout carries only shell code: it is eval'd / sourced as it is.
      printRaw(shellScript(parseShell(args.shell)));
      return;
    }
    const shell = parseShell(args.shell ?? detectShell() ?? undefined);
    if (args.uninstall) {
      const change = uninstallRc(shell);
      if (change.changed) log.success(`Removed the pwt line from ${change.file}. Open a new shell for it to take effect.`);
      else log.info(`${change.file} has no line written by pwt shell-init --install; nothing changed.`);
      return;
    }
    const change = installRc(shell);
    if (change.changed) {
      log.success(`Added to ${change.file}:\n  ${change.line}`);
      log.info(`Open a new shell, or load it now: ${loadLine(shell)}`);
    } else log.info(`${change.file} already loads pwt's ${shell} integration; nothing changed.`);
  },
});
