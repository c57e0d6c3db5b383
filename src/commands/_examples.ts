/**
 * One or two examples per command, shown at the end of its help
 * (`pwt help <command>` or `pwt <command> --help`). Keys are the command as
 * typed: "hooks install", "agent transcript".
 */
export const examples: Record<string, string[]> = {
  create: ['pwt create checkout --goal "Add a checkout page" --goal "Cover it with tests"', 'pwt create hotfix --base release/1.2 --json'],
  status: ['pwt status', 'pwt status --json | jq -r \'.sessions[] | select(.dirty) | .id\''],
  path: ['cd "$(pwt path checkout)"', 'pwt path            # the main worktree'],
  context: ['pwt context', 'pwt context --json   # for agents and prompts'],
  doctor: ['pwt doctor', 'pwt doctor --json'],
  remove: ['pwt remove checkout --strategy pr', 'pwt remove fix-prices --strategy merge --squash --message "Round prices to cents"', 'pwt remove dead-end --strategy abandon --yes'],
  cleanup: ['pwt cleanup --dry-run', 'pwt cleanup --force --delete-branch'],
  restore: ['pwt restore dead-end', 'pwt restore dead-end --at 20261201T101500Z'],
  open: ['pwt open checkout          # a kept session: its branch and goals come back', 'pwt open feature/login --goal "Address review comments"   # a PR branch, fetched if needed'],
  sync: ['pwt sync checkout          # merge the base\'s new commits into the session', 'pwt sync --rebase          # inside a session: rebase it onto its base'],
  diff: ['pwt diff checkout --stat', 'pwt diff | less            # inside a session'],
  'shell-init': ['eval "$(pwt shell-init bash)"', 'pwt shell-init --install zsh'],
  hooks: ['pwt hooks install', 'pwt hooks status'],
  'hooks install': ['pwt hooks install'],
  'hooks uninstall': ['pwt hooks uninstall'],
  'hooks status': ['pwt hooks status --json'],
  templates: ['pwt templates install', 'pwt templates install --agent claude --force'],
  'templates install': ['pwt templates install', 'pwt templates install --agent codex --dry-run'],
  agent: ['pwt agent sessions', 'pwt agent transcript claude --markdown'],
  'agent sessions': ['pwt agent sessions --provider codex --json'],
  'agent transcript': ['pwt agent transcript claude', 'pwt agent transcript codex <ID> --json --max-chars 20000'],
  watch: ['pwt watch', 'pwt watch --notify      # bell (and notify-send) when an agent starts waiting'],
  'agent wait': ['pwt agent wait --for idle --timeout 300', 'pwt agent wait codex --for waiting --session login-fix-codex --json'],
  'agent send': ['pwt agent send "Now add tests for it"', 'pwt agent send claude "Continue" --session checkout'],
  'run send': ['pwt run send login-fix "Run the tests and fix what fails"'],
  run: ['pwt run list', 'pwt run compare login --check "npm test"'],
  'run list': ['pwt run list --json'],
  'run show': ['pwt run show login'],
  'run compare': ['pwt run compare login --check "npm test"'],
  'run pick': ['pwt run pick login claude --strategy merge --yes'],
  'run rm': ['pwt run rm login'],
};
