#!/usr/bin/env bash
# Measures Runnel beside Apache Kafka 4.1.1 with the shared harness (../shared/bench, Kafka's own perf tools).
#
#   runnel-bench/bin/compare-with-kafka.sh            # all cases, 3 rounds, default warm-up
#   CASES="a b c e f" WARMUP_RECORDS=0 runnel-bench/bin/compare-with-kafka.sh
#
# Starts Kafka on 127.0.0.1:29092 (../shared/kafka/start.sh) and Runnel on 127.0.0.1:9092 with the same
# heap (1 GiB), fresh data dirs and the reference's group.initial.rebalance.delay.ms (0), runs compare.sh with both pids (so broker CPU and RSS are reported),
# then stops both. Env: SHARED (default: ../shared beside the repository), RUNNEL_PORT, KAFKA_PORT,
# and everything compare.sh / suite.sh read (ROUNDS, CASES, WARMUP_RECORDS, BENCH_LOGS).
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
SHARED=${SHARED:-$(cd "$ROOT/../shared" && pwd)}
RUNNEL_PORT=${RUNNEL_PORT:-9092}
KAFKA_PORT=${KAFKA_PORT:-29092}
DATA=$(mktemp -d /tmp/runnel-bench-XXXXXX)

. "$ROOT/bin/find-jdk.sh"
runnel_find_jdk
[ -n "$(ls "$ROOT"/runnel-server/target/runnel-server-*-all.jar 2>/dev/null)" ] ||
  (cd "$ROOT" && ./mvnw -q -B -DskipTests -pl runnel-server -am package)

wait_port() { for _ in $(seq 300); do (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null && return 0; sleep 0.1; done; return 1; }

KAFKA_PID=$("$SHARED/kafka/start.sh" "$KAFKA_PORT")
RUNNEL_JVM_OPTS="-Xms1g -Xmx1g -XX:+UseG1GC" "$ROOT/bin/runnel" server \
  --override "listeners=PLAINTEXT://127.0.0.1:$RUNNEL_PORT" --override "log.dirs=$DATA" \
  --override group.initial.rebalance.delay.ms=0 \
  >"$DATA.log" 2>&1 &
RUNNEL_PID=$!
trap 'kill "$RUNNEL_PID" "$KAFKA_PID" 2>/dev/null || true; wait "$RUNNEL_PID" 2>/dev/null || true; rm -rf "$DATA"' EXIT
wait_port "$KAFKA_PORT" || { echo "Kafka did not start (see /tmp/kafka-anchor-$KAFKA_PORT.log)" >&2; exit 1; }
wait_port "$RUNNEL_PORT" || { echo "Runnel did not start (see $DATA.log)" >&2; exit 1; }
sleep 3   # let Kafka's controller elect itself before the first topic is created

A_PID=$KAFKA_PID B_PID=$RUNNEL_PID "$SHARED/bench/compare.sh" \
  "127.0.0.1:$KAFKA_PORT" "127.0.0.1:$RUNNEL_PORT" kafka-4.1.1 runnel
