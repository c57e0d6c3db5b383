# pwt-hooks: the dispatcher behind pwt's git hooks (post-checkout, pre-push).
# `pwt hooks install` writes it, with the settings block below filled in, to
# <git common dir>/pwt/hooks.sh; `pwt hooks uninstall` removes it.
#
# The hook files *source* it (`. hooks.sh`) rather than run it, so that a hook
# pwt chained into keeps its own $0, arguments and, for pre-push, the refs on
# stdin (which this file buffers and hands back). So it is portable sh that
# also runs under bash and zsh, uses only _pwt_* names, unsets them at the end,
# and never calls `exit` except to refuse a push.
#
# It decides without Node whether anything is to do: outside the sessions dir
# a checkout costs this one file and a `pwd -P` (see docs/hooks.md).
#
# Switches: PWT_HOOKS=0 skips everything; PWT_DEBUG=1 traces each decision.

#@settings@ (replaced by pwt hooks install: _pwt_node _pwt_cli _pwt_main _pwt_sessions _pwt_prefix)

_pwt_trace() {
  [ "${PWT_DEBUG:-}" != 1 ] || printf 'pwt hook %s: %s\n' "$_pwt_hook" "$*" >&2
}

# Runs `pwt _hook <args>` with the node and dist/cli.cjs recorded at install time,
# else a pwt found on PATH; its exit status is pwt's.
_pwt_run_pwt() {
  if [ -x "$_pwt_node" ] && [ -f "$_pwt_cli" ]; then
    _pwt_trace "starting $_pwt_node $_pwt_cli _hook $*"
    "$_pwt_node" "$_pwt_cli" _hook "$@"
  elif command -v pwt >/dev/null 2>&1; then
    _pwt_trace "$_pwt_cli is gone; starting pwt from PATH"
    pwt _hook "$@"
  else
    printf 'pwt: warning: %s hook skipped: %s is gone and no pwt is on PATH (run pwt hooks install again).\n' "$_pwt_hook" "$_pwt_cli" >&2
    return 0
  fi
}

# The sessions dir as a physical path; PWT_SESSIONS_DIR wins at run time
# (relative to the main worktree, like pwt itself reads it).
_pwt_find_sessions_dir() {
  if [ -n "${PWT_SESSIONS_DIR:-}" ]; then
    case $PWT_SESSIONS_DIR in
      /*) _pwt_dir=$PWT_SESSIONS_DIR ;;
      *) _pwt_dir=$_pwt_main/$PWT_SESSIONS_DIR ;;
    esac
    _pwt_dir=$( (cd "$_pwt_dir" 2>/dev/null && pwd -P) || printf '%s' "$_pwt_dir")
  else
    _pwt_dir=$_pwt_sessions
  fi
}

# post-checkout <previous HEAD> <new HEAD> <1: branch checkout, 0: file checkout>
_pwt_post_checkout() {
  if [ "${3:-}" != 1 ]; then
    _pwt_trace 'file checkout: nothing to do (node not started)'
    return 0
  fi
  if [ -z "$_pwt_inside" ]; then
    _pwt_trace "$_pwt_here is outside the sessions dir $_pwt_dir: nothing to do (node not started)"
    return 0
  fi
  if [ "${PWT_CREATING:-}" = 1 ]; then
    _pwt_trace 'pwt create is adding this worktree and registers it itself (node not started)'
    return 0
  fi
  # A checkout must never fail because of pwt: its status is ignored.
  _pwt_run_pwt post-checkout "$@" || :
  return 0
}

# pre-push <remote name> <remote url>; stdin: "<local ref> <local sha> <remote ref> <remote sha>" lines.
_pwt_pre_push() {
  # Read every ref git is about to push, then make them this shell's stdin
  # again so a chained hook reads exactly what git sent. $(...) drops the
  # final newline, which the here-document puts back.
  _pwt_refs=$(cat)
  if [ -n "$_pwt_refs" ]; then
    exec 0<<_PWT_REFS_
$_pwt_refs
_PWT_REFS_
  else
    exec 0</dev/null
  fi
  _pwt_need=$_pwt_inside
  case $_pwt_refs in
    *"$_pwt_prefix"*) _pwt_need=1 ;;
  esac
  if [ -z "$_pwt_need" ]; then
    _pwt_trace "no session branch in this push and $_pwt_here is outside the sessions dir: nothing to do (node not started)"
    return 0
  fi
  _pwt_status=0
  printf '%s\n' "$_pwt_refs" | _pwt_run_pwt pre-push "$@" || _pwt_status=$?
  # 3 is pwt refusing the push (it printed why); anything else never blocks.
  [ "$_pwt_status" != 3 ] || return 1
  return 0
}

_pwt_dispatch() {
  if [ "${PWT_HOOKS:-}" = 0 ]; then
    _pwt_trace 'PWT_HOOKS=0: skipped'
    return 0
  fi
  _pwt_find_sessions_dir
  # The physical top of this worktree. $PWD already is in the usual cases
  # (sh re-reads it when git chdir'd), which spares a fork for $(pwd -P).
  case $PWD/ in
    "$_pwt_dir"/?* | "$_pwt_main"/) _pwt_here=$PWD ;;
    *) _pwt_here=$(pwd -P) ;;
  esac
  # A worktree inside the sessions dir (git runs hooks at the worktree's top).
  case $_pwt_here/ in
    "$_pwt_dir"/?*) _pwt_inside=1 ;;
    *) _pwt_inside= ;;
  esac
  case $_pwt_hook in
    post-checkout) _pwt_post_checkout "$@" ;;
    pre-push) _pwt_pre_push "$@" ;;
    *) _pwt_trace 'not a hook pwt handles' ;;
  esac
}

_pwt_rc=0
_pwt_dispatch "$@" || _pwt_rc=$?
unset -f _pwt_trace _pwt_run_pwt _pwt_find_sessions_dir _pwt_post_checkout _pwt_pre_push _pwt_dispatch
unset _pwt_hook _pwt_node _pwt_cli _pwt_main _pwt_sessions _pwt_prefix _pwt_here _pwt_dir _pwt_inside _pwt_refs _pwt_need _pwt_status
if [ "$_pwt_rc" != 0 ]; then
  unset _pwt_rc
  exit 1
fi
unset _pwt_rc
