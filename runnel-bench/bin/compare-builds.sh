#!/usr/bin/env bash
# Two builds of Runnel side by side through the shared harness, for before/after figures of one change:
#
#   runnel-bench/bin/compare-builds.sh OLD_JAR old-label NEW_JAR new-label      # all cases, ROUNDS=2
#   CASES="a b c d" runnel-bench/bin/compare-builds.sh ...
#
# A jar is a shaded runnel-server-*-all.jar (build one at a commit with: git worktree add /tmp/x COMMIT &&
# (cd /tmp/x && ./mvnw -q -B -DskipTests -pl runnel-server -am package)). A runs on 127.0.0.1:9092, B on :9093,
# each with a 1 GiB heap, a fresh data dir and group.initial.rebalance.delay.ms=0; both stop at the end. The harness
# runs A B A B, but B always goes second within a round: swap the sides in a second run before reading a ratio.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
. "$ROOT/runnel-bench/bin/lib.sh"
[ $# -eq 4 ] || bench_fail "usage: compare-builds.sh A_JAR A_LABEL B_JAR B_LABEL"
FLAGS="--enable-native-access=ALL-UNNAMED"
[ "$(runnel_java_major "$JAVA_HOME/bin/java")" -lt 24 ] || FLAGS="$FLAGS --sun-misc-unsafe-memory-access=allow"
DATA=$(mktemp -d /tmp/runnel-builds-XXXXXX)
start() { # jar port: starts one build, prints its pid
  mkdir -p "$DATA/$2"
  # shellcheck disable=SC2086
  "$JAVA_HOME/bin/java" -Xms1g -Xmx1g -XX:+UseG1GC $FLAGS -jar "$1" server \
    --override "listeners=PLAINTEXT://127.0.0.1:$2" --override "log.dirs=$DATA/$2" \
    --override group.initial.rebalance.delay.ms=0 >"$DATA/$2.log" 2>&1 &
  echo $!
}
A=$(start "$1" 9092)
B=$(start "$3" 9093)
trap 'kill "$A" "$B" 2>/dev/null || true; wait 2>/dev/null || true; rm -rf "$DATA"' EXIT
wait_port 9092 "$A" "$2" "$DATA/9092.log"
wait_port 9093 "$B" "$4" "$DATA/9093.log"
A_PID=$A B_PID=$B ROUNDS=${ROUNDS:-2} "$SHARED/bench/compare.sh" 127.0.0.1:9092 127.0.0.1:9093 "$2" "$4"
