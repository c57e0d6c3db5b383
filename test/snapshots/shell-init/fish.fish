# pwt shell integration for fish 3+ (pcd, pstart, pend, completion).
# Load it from ~/.config/fish/config.fish:  pwt shell-init fish | source
#
# These functions never eval what pwt prints: they read a raw path (from
# `pwt path`, or from the file named by PWT_CD_FILE) and `builtin cd` there,
# so a user's cd function or abbreviation does not get in the way.
# `command pwt` skips any function called pwt.

# Tells pwt that pcd/pstart/pend are loaded (it then skips its setup tip).
set -gx PWT_SHELL fish

function pcd --description 'cd into a pwt session (no name: the main worktree)'
    set -l target (command pwt path $argv)
    or return
    test -n "$target"; or return 1
    # A session on a host prints <host>:<path>: open a shell there instead (ssh -t).
    if string match -q -- '/*' $target
        builtin cd -- $target
    else
        command pwt host shell $argv[1]
    end
end

function pstart --description 'pwt create <name> [flags], then cd into the session'
    set -l tmp /tmp
    set -q TMPDIR; and set tmp $TMPDIR
    set -l cd_file (mktemp $tmp/pwt-cd.XXXXXX)
    or return
    PWT_CD_FILE=$cd_file command pwt create $argv
    set -l exit_code $status
    set -l target (cat -- $cd_file)
    rm -f -- $cd_file
    test $exit_code -eq 0; or return $exit_code
    # Nothing written (e.g. --help): nothing to cd to.
    test -n "$target"; or return 0
    builtin cd -- $target
end

function pend --description 'pwt remove the session you are in, then cd to the main worktree'
    set -l name
    if set -q argv[1]; and not string match -q -- '-*' $argv[1]
        set name $argv[1]
        set -e argv[1]
    else
        set name (command pwt complete --current)
        or return
    end
    set -l main (command pwt path)
    or return
    # pwt remove runs from the main worktree, because the session's folder goes away.
    set -l here $PWD
    builtin cd -- $main
    command pwt remove $name $argv
    set -l exit_code $status
    if test $exit_code -ne 0
        test -d $here; and builtin cd -- $here
        return $exit_code
    end
    # Still there (--dry-run, --help): go back. Gone: stay in the main worktree.
    test -d $here; and builtin cd -- $here
    return 0
end

# Completion: pwt prints every candidate for the word at the cursor, one per
# line; fish filters them by what is typed so far.
function __pwt_complete
    # Quoted, so an empty current word still counts as one word.
    set -l current (commandline -ct)
    command pwt complete -- (commandline -opc) "$current" 2>/dev/null
end

complete -c pcd -f -a '(__pwt_complete)'
complete -c pend -f -a '(__pwt_complete)'
complete -c pwt -f -a '(__pwt_complete)'
