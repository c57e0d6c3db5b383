# pwt shell integration for bash 4+ (pcd, pstart, pend, completion).
# Load it from ~/.bashrc:  eval "$(pwt shell-init bash)"
#
# These functions never eval what pwt prints: they read a raw path (from
# `pwt path`, or from the file named by PWT_CD_FILE) and `builtin cd` there,
# so aliases or functions named cd do not get in the way. `command pwt`
# skips any function or alias called pwt. `${1+"$@"}` keeps `set -u` happy
# in bash < 4.4, where an empty "$@" counts as unset.

# Tells pwt that pcd/pstart/pend are loaded (it then skips its setup tip).
export PWT_SHELL=bash

# pcd [name]: cd into a session's worktree; no name: the main worktree;
# a session on a host: a shell in its worktree there.
function pcd {
    local target
    target="$(command pwt path ${1+"$@"})" || return
    [ -n "$target" ] || return 1
    # A session on a host prints <host>:<path>: open a shell there instead (ssh -t).
    case "$target" in
        /*) builtin cd -- "$target" ;;
        *) command pwt host shell "$1" ;;
    esac
}

# pstart <name> [pwt create flags]: create a session, then cd into it.
function pstart {
    local cd_file target status=0
    cd_file="$(mktemp "${TMPDIR:-/tmp}/pwt-cd.XXXXXX")" || return
    PWT_CD_FILE="$cd_file" command pwt create ${1+"$@"} || status=$?
    target="$(cat -- "$cd_file")"
    rm -f -- "$cd_file"
    [ "$status" -eq 0 ] || return "$status"
    # Nothing written (e.g. --help): nothing to cd to.
    [ -n "$target" ] || return 0
    builtin cd -- "$target"
}

# pend [name] [pwt remove flags]: end the session you are in (or the one
# named), then cd to the main worktree. pwt remove runs from the main
# worktree, because the session's folder goes away.
function pend {
    local name main
    if [ $# -gt 0 ] && [ "${1#-}" = "$1" ]; then
        name="$1"
        shift
    else
        name="$(command pwt complete --current)" || return
    fi
    main="$(command pwt path)" || return
    (builtin cd -- "$main" && command pwt remove "$name" ${1+"$@"}) || return
    # Still there (--dry-run, --help): stay. Gone: go to the main worktree.
    [ -d "$PWD" ] || builtin cd -- "$main"
}

# Completion: pwt prints every candidate for the word at the cursor, one per
# line; compgen filters them by what is typed so far.
function _pwt_complete {
    local current="${COMP_WORDS[COMP_CWORD]-}"
    local candidates
    COMPREPLY=()
    candidates="$(command pwt complete -- "${COMP_WORDS[@]:0:COMP_CWORD}" "$current" 2>/dev/null)" || return 0
    mapfile -t COMPREPLY < <(compgen -W "$candidates" -- "$current")
    return 0
}

complete -F _pwt_complete pcd pend pwt
