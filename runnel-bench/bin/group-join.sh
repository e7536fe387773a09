#!/usr/bin/env bash
# Group join time, Runnel beside Apache Kafka 4.1.1: N members start together; how long until every one has
# consumed a record. Members counts default to "10 100"; 3 rounds each, alternating brokers. PROTOCOL is the
# consumers' group.protocol: classic (default) or consumer (KIP-848).
#   [PROTOCOL=consumer] runnel-bench/bin/group-join.sh [MEMBERS...]
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
SHARED=${SHARED:-$(cd "$ROOT/../shared" && pwd)}
. "$ROOT/runnel-bench/bin/bench-classpath.sh"
DATA=$(mktemp -d /tmp/runnel-join-XXXXXX)
CLIENT_LOG=${CLIENT_LOG:-/tmp/group-join-clients.log}   # the members' own logging, kept for when a round fails
: >"$CLIENT_LOG"
wait_port() { for _ in $(seq 300); do (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null && return 0; sleep 0.1; done; return 1; }
KAFKA_PID=$("$SHARED/kafka/start.sh" 29092)
# the same group.initial.rebalance.delay.ms as the reference Kafka's server.properties (0)
RUNNEL_JVM_OPTS="-Xms1g -Xmx1g -XX:+UseG1GC" bin/runnel server --override listeners=PLAINTEXT://127.0.0.1:9092 \
  --override "log.dirs=$DATA" --override group.initial.rebalance.delay.ms=0 >"$DATA.log" 2>&1 &
RUNNEL_PID=$!
trap 'kill "$RUNNEL_PID" "$KAFKA_PID" 2>/dev/null || true; wait "$RUNNEL_PID" 2>/dev/null || true; rm -rf "$DATA"' EXIT
wait_port 29092; wait_port 9092; sleep 3
for n in ${*:-10 100}; do
  for round in 1 2 3; do
    for side in kafka-4.1.1:29092 runnel:9092; do
      printf '%s ' "${side%%:*}"
      flock /tmp/cpu-heavy.lock "$JAVA_HOME/bin/java" -cp "$CP" io.runnel.bench.GroupJoinBenchmark "127.0.0.1:${side##*:}" "$n" 1 "${PROTOCOL:-classic}" 2>>"$CLIENT_LOG" ||
        { echo "round failed; the members' log is $CLIENT_LOG" >&2; exit 1; }
    done
  done
done
