#!/usr/bin/env bash
# Group join time, Runnel beside Apache Kafka ($KAFKA_VERSION, 4.4.0 unless set): N members start together; how long until every one has
# consumed a record. Members counts default to "10 100"; 3 rounds each, alternating brokers. PROTOCOL is the
# consumers' group.protocol: classic (default) or consumer (KIP-848).
#   [PROTOCOL=consumer] runnel-bench/bin/group-join.sh [MEMBERS...]
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
. "$ROOT/runnel-bench/bin/lib.sh"
bench_classpath
DATA=$(mktemp -d /tmp/runnel-join-XXXXXX)
CLIENT_LOG=${CLIENT_LOG:-/tmp/group-join-clients.log}   # the members' own logging, printed when a round fails
: >"$CLIENT_LOG"
trap 'stop_brokers; rm -rf "$DATA"' EXIT
start_kafka 29092
# the same group.initial.rebalance.delay.ms as the reference Kafka's server.properties (0)
RUNNEL_JVM_OPTS="-Xms1g -Xmx1g -XX:+UseG1GC" start_runnel 9092 "$DATA" --override group.initial.rebalance.delay.ms=0
sleep 3   # let Kafka's controller elect itself before the first group forms
for n in ${*:-10 100}; do
  for round in 1 2 3; do
    for side in kafka-$KAFKA_VERSION:29092 runnel:9092; do
      printf '%s ' "${side%%:*}"
      bench_java "$CLIENT_LOG" io.runnel.bench.GroupJoinBenchmark "127.0.0.1:${side##*:}" "$n" 1 "${PROTOCOL:-classic}"
    done
  done
done
