# Sourced by provision-docker.sh (and its unit test): start a daemon detached from the caller.
#
#   start_detached LOG_FILE COMMAND [ARG...]    # sets DETACHED_PID
#
# The daemon gets its own session (setsid), stdin from /dev/null, stdout and stderr appended to
# LOG_FILE, and none of the caller's other file descriptors. That last part matters: a daemon
# that inherits the write end of a pipe keeps it open, so whoever reads that pipe waits until
# the daemon exits. `eval "$(provision-docker.sh)"` is such a reader, and a dockerd holding the
# script's saved stdout (fd 3) hung the CI of stop 9 for its whole 90 minutes.

start_detached() {
  local log=$1
  shift
  (
    local fd
    for fd in /proc/$BASHPID/fd/*; do
      fd=${fd##*/}
      if ((fd > 2)); then eval "exec $fd>&-" 2>/dev/null || true; fi
    done
    exec setsid "$@"
  ) >>"$log" 2>&1 </dev/null &
  DETACHED_PID=$!
}
