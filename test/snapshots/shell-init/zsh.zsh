# pwt shell integration for zsh 5+ (pcd, pstart, pend, completion).
# Load it from ~/.zshrc (after compinit, for completion):  eval "$(pwt shell-init zsh)"
#
# These functions never eval what pwt prints: they read a raw path (from
# `pwt path`, or from the file named by PWT_CD_FILE) and `builtin cd` there,
# so aliases or functions named cd do not get in the way. `command pwt`
# skips any function or alias called pwt. `emulate -L zsh` gives each
# function zsh's default options (no nounset, no ksh arrays) whatever the
# user set, and restores theirs on return.

# Tells pwt that pcd/pstart/pend are loaded (it then skips its setup tip).
export PWT_SHELL=zsh

# pcd [name]: cd into a session's worktree; no name: the main worktree;
# a session on a host: a shell in its worktree there.
function pcd {
    emulate -L zsh
    local target
    target="$(command pwt path "$@")" || return
    [[ -n $target ]] || return 1
    # A session on a host prints <host>:<path>: open a shell there instead (ssh -t).
    if [[ $target == /* ]]; then
        builtin cd -- "$target"
    else
        command pwt host shell "$1"
    fi
}

# pstart <name> [pwt create flags]: create a session, then cd into it.
function pstart {
    emulate -L zsh
    local cd_file target exit_code=0
    cd_file="$(mktemp "${TMPDIR:-/tmp}/pwt-cd.XXXXXX")" || return
    PWT_CD_FILE="$cd_file" command pwt create "$@" || exit_code=$?
    target="$(<"$cd_file")"
    rm -f -- "$cd_file"
    (( exit_code == 0 )) || return $exit_code
    # Nothing written (e.g. --help): nothing to cd to.
    [[ -n $target ]] || return 0
    builtin cd -- "$target"
}

# pend [name] [pwt remove flags]: end the session you are in (or the one
# named), then cd to the main worktree. pwt remove runs from the main
# worktree, because the session's folder goes away.
function pend {
    emulate -L zsh
    local name main
    if (( $# > 0 )) && [[ $1 != -* ]]; then
        name=$1
        shift
    else
        name="$(command pwt complete --current)" || return
    fi
    main="$(command pwt path)" || return
    (builtin cd -- "$main" && command pwt remove "$name" "$@") || return
    # Still there (--dry-run, --help): stay. Gone: go to the main worktree.
    [[ -d $PWD ]] || builtin cd -- "$main"
}

# Completion: pwt prints every candidate for the word at the cursor, one per
# line; compadd matches them against what is typed (with the user's matchers).
function _pwt_complete {
    emulate -L zsh
    local -a candidates
    candidates=("${(@f)$(command pwt complete -- "${(@)words[1,CURRENT]}" 2>/dev/null)}")
    candidates=("${(@)candidates:#}")
    (( ${#candidates} )) || return 1
    compadd -- "${(@)candidates}"
}

# compdef exists once compinit has run; without it, the functions still work.
if (( ${+functions[compdef]} )); then
    compdef _pwt_complete pcd pend pwt
fi
