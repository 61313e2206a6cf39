#!/bin/sh
# The supervisor of `pnpm agent` on Linux: launch.mjs prepares the agent (compile cache, bundle) and then
# replaces itself with this script (process.execve), so what stays beside the agent is a ~1 MiB shell, not a
# second ~45 MiB Node process (issue #13: the whole tree idle under 100 MB; bench/src/agent-idle.bench.ts).
# It does what supervisor.ts does (still used on other systems and with VIGIL_NODE_SUPERVISOR=1):
#
#   - runs the agent in its own session (setsid), so a Ctrl-C at a terminal reaches this script alone and
#     is forwarded once (a second SIGINT makes the agent skip its orderly stop);
#   - restarts it when it dies (a crash, an out-of-memory abort, kill -9) after 1, 2, 4 … 30 s, from 1 s
#     again once it has run 60 s; at most 5 restarts in 60 s, then it waits for that window to clear;
#   - tells the agent how often that happened (VIGIL_AGENT_RESTARTS), which its heartbeat reports;
#   - exit code 2 (a bad option, no enrolment) is not restarted: starting again cannot help;
#   - SIGTERM / SIGINT / SIGHUP are forwarded and end both; an agent still running 15 s later is killed;
#   - one JSON line per event on stderr, shaped like the agent's pino lines (module "supervisor").
#
# Usage (launch.mjs builds it): supervise.sh <node> [node flags…] <agent script> [agent arguments…]
# POSIX sh plus setsid(1) and GNU date; tests: supervise-sh.test.ts.
set -u

max_restarts=${VIGIL_SUPERVISE_MAX_RESTARTS:-5}
window_s=${VIGIL_SUPERVISE_WINDOW_SECONDS:-60}
stable_s=${VIGIL_SUPERVISE_STABLE_SECONDS:-60}
stop_timeout_s=${VIGIL_SUPERVISE_STOP_TIMEOUT_SECONDS:-15}
first_delay_s=${VIGIL_SUPERVISE_FIRST_DELAY_SECONDS:-1}
unset VIGIL_SUPERVISE_MAX_RESTARTS VIGIL_SUPERVISE_WINDOW_SECONDS VIGIL_SUPERVISE_STABLE_SECONDS VIGIL_SUPERVISE_STOP_TIMEOUT_SECONDS VIGIL_SUPERVISE_FIRST_DELAY_SECONDS

if [ $# -lt 2 ]; then
  echo 'supervise.sh: usage: supervise.sh <node> [node flags…] <agent script> [agent arguments…]' >&2
  exit 2
fi
if ! command -v setsid >/dev/null 2>&1; then
  echo 'supervise.sh: setsid is missing (it comes with util-linux); run the agent with VIGIL_NODE_SUPERVISOR=1' >&2
  exit 2
fi

# log <level 30|40|50> <message> [json fields, each followed by a comma]
log() {
  printf '{"level":%s,"time":%s,"pid":%s,"module":"supervisor",%s"msg":"%s"}\n' "$1" "$(date +%s%3N)" "$$" "${3:-}" "$2" >&2
}

child=''
killer=''
stopping=''
restarts=0
delay_s=$first_delay_s
restart_times=''

stop() {
  if [ -n "$stopping" ]; then
    # A second signal: forward it too (the agent then exits at once).
    [ -n "$child" ] && kill -s "$1" "$child" 2>/dev/null
    return 0
  fi
  stopping=$1
  if [ -n "$child" ]; then
    log 30 'stopping the agent' "\"signal\":\"SIG$1\",\"agentPid\":$child,"
    kill -s "$1" "$child" 2>/dev/null
    (
      sleep "$stop_timeout_s"
      log 50 'the agent did not stop; killing it' "\"agentPid\":$child,\"afterMs\":$((stop_timeout_s * 1000)),"
      kill -s KILL "$child" 2>/dev/null
    ) &
    killer=$!
  fi
}
trap 'stop TERM' TERM
trap 'stop INT' INT
trap 'stop HUP' HUP

while :; do
  VIGIL_AGENT_RESTARTS=$restarts setsid "$@" &
  child=$!
  started_s=$(date +%s)
  log 30 'agent started' "\"agentPid\":$child,\"restarts\":$restarts,"

  # `wait` returns early when a trapped signal arrives: wait again while the agent still runs.
  while :; do
    wait "$child" 2>/dev/null
    code=$?
    if [ "$code" -le 128 ] || ! kill -0 "$child" 2>/dev/null; then break; fi
  done
  if [ "$code" -gt 128 ]; then
    # Interrupted by a signal as the agent ended: the shell kept the agent's own status.
    wait "$child" 2>/dev/null
    again=$?
    [ "$again" -ne 127 ] && code=$again
  fi
  signal=''
  [ "$code" -gt 128 ] && signal="SIG$(kill -l $((code - 128)) 2>/dev/null)"
  ended=$child
  child=''
  if [ -n "$killer" ]; then
    kill "$killer" 2>/dev/null
    killer=''
  fi

  if [ -n "$stopping" ]; then
    log 30 'agent stopped' "\"code\":$code,\"agentPid\":$ended,"
    exit "$code"
  fi
  if [ "$code" -eq 2 ]; then
    log 50 'the agent cannot run with this configuration; not restarting' '"code":2,'
    exit 2
  fi

  # Anything else was not asked for: a crash, a kill, or a stop signal sent around us.
  now_s=$(date +%s)
  ran_s=$((now_s - started_s))
  [ "$ran_s" -ge "$stable_s" ] && delay_s=$first_delay_s
  recent=''
  count=0
  oldest=''
  for t in $restart_times; do
    if [ "$t" -gt $((now_s - window_s)) ]; then
      recent="$recent $t"
      count=$((count + 1))
      [ -z "$oldest" ] && oldest=$t
    fi
  done
  restart_times=$recent
  wait_s=$delay_s
  if [ "$count" -ge "$max_restarts" ]; then
    clears_s=$((oldest + window_s - now_s))
    [ "$clears_s" -gt "$wait_s" ] && wait_s=$clears_s
    log 50 'the agent keeps dying; restarting more slowly' "\"restartsInWindow\":$count,\"windowMs\":$((window_s * 1000)),\"retryInMs\":$((wait_s * 1000)),"
  fi
  fields="\"code\":$code,"
  [ -n "$signal" ] && fields="$fields\"signal\":\"$signal\","
  log 40 'the agent died; restarting it' "$fields\"agentPid\":$ended,\"ranMs\":$((ran_s * 1000)),\"retryInMs\":$((wait_s * 1000)),\"restarts\":$((restarts + 1)),"

  # An interruptible pause: a stop signal during it ends the supervisor without starting the agent again.
  sleep "$wait_s" &
  sleeper=$!
  wait "$sleeper" 2>/dev/null
  kill "$sleeper" 2>/dev/null
  if [ -n "$stopping" ]; then
    log 30 'agent stopped' '"code":0,'
    exit 0
  fi
  restarts=$((restarts + 1))
  restart_times="$restart_times $(date +%s)"
  delay_s=$((delay_s * 2))
  [ "$delay_s" -gt 30 ] && delay_s=30
done
