#!/bin/sh
# pwt-hooks: @HOOK@ hook written by `pwt hooks install`; `pwt hooks uninstall` removes it@RESTORES@.
# The work is done by the dispatcher it sources (hooks/dispatch.sh in pwt's package).
@LINE@
@ORIGINAL@
