#!/bin/sh
# Stop the embedded Redis servers whose pid files are in DIR (default .run), before `make clean` deletes
# DIR: a server left running by a run that was killed, or one a run reused. Only redis-server processes
# are stopped; a stale pid file is just removed.
set -u
DIR="${1:-.run}"
alive() {
  state=$(ps -o stat= -p "$1" 2>/dev/null) || return 1
  [ -n "$state" ] && [ "${state#Z}" = "$state" ]
}
for file in "$DIR"/redis-*.pid; do
  [ -f "$file" ] || continue
  pid=$(tr -dc 0-9 < "$file")
  if [ -n "$pid" ] && alive "$pid" && ps -o comm= -p "$pid" | grep -q redis; then
    kill -TERM "$pid"
    tries=0
    while alive "$pid" && [ "$tries" -lt 100 ]; do sleep 0.1; tries=$((tries + 1)); done
    if alive "$pid"; then kill -KILL "$pid"; fi
    echo "stopped the embedded Redis (pid $pid)"
  fi
  rm -f "$file"
done
