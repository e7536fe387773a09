#!/usr/bin/env bash
# Measures Runnel beside Apache Kafka ($KAFKA_VERSION, 4.4.0 unless set) with the shared harness (../shared/bench, Kafka's own perf tools).
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
. "$ROOT/runnel-bench/bin/lib.sh"
RUNNEL_PORT=${RUNNEL_PORT:-9092}
KAFKA_PORT=${KAFKA_PORT:-29092}
DATA=$(mktemp -d /tmp/runnel-bench-XXXXXX)
trap 'stop_brokers; rm -rf "$DATA"' EXIT

start_kafka "$KAFKA_PORT"
RUNNEL_JVM_OPTS="-Xms1g -Xmx1g -XX:+UseG1GC" start_runnel "$RUNNEL_PORT" "$DATA" \
  --override group.initial.rebalance.delay.ms=0
sleep 3   # let Kafka's controller elect itself before the first topic is created

A_PID=$KAFKA_PID B_PID=$RUNNEL_PID "$SHARED/bench/compare.sh" \
  "127.0.0.1:$KAFKA_PORT" "127.0.0.1:$RUNNEL_PORT" kafka-$KAFKA_VERSION runnel
