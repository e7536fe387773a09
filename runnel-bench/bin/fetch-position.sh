#!/usr/bin/env bash
# Fetch from the head vs the tail of a big partition, and a cold reader's effect on a tail producer, Runnel beside
# Apache Kafka ($KAFKA_VERSION, 4.4.0 unless set) (FetchPositionBenchmark, ColdReaderInterferenceBenchmark). For each size (MiB, default
# "1024 20480") it fills the topic fetch-position of each broker in turn up to that size (the same topic grows)
# and measures head and tail passes, warm and cold, ROUNDS times; then, on the biggest topic, each broker's
# produce latency without and with a cold reader. Needs root (drop_caches) and twice the biggest size free on disk; both
# brokers' data is deleted at the end. One JSON line per phase on stdout.
# FIRST=runnel measures Runnel before Kafka at every step (to alternate the order between runs). RUNNEL_JVM_OPTS
# replaces Runnel's JVM flags (default -Xms1g -Xmx1g -XX:+UseG1GC), e.g. to add -Xlog:gc:file=... .
#   [SIZES="1024 20480"] [WINDOW_MIB=512] [ROUNDS=3] [RATE=5000] [DURATION_S=30] [READER_MIB_S=0 (no limit)] \
#     [COLD_ROUNDS=3 (quiet/cold-reader phase pairs per broker)] \
#     [FIRST=kafka|runnel] \
#     runnel-bench/bin/fetch-position.sh
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
. "$ROOT/runnel-bench/bin/lib.sh"
KAFKA_PORT=${KAFKA_PORT:-29192}   # not the other scripts' ports, so a group-join run elsewhere does not collide
RUNNEL_PORT=${RUNNEL_PORT:-9192}
bench_classpath
DATA=$(mktemp -d /tmp/runnel-fetch-XXXXXX)
CLIENT_LOG=${CLIENT_LOG:-/tmp/fetch-position-clients.log}   # the clients' own logging, printed when a run fails
: >"$CLIENT_LOG"
trap 'stop_brokers; rm -rf "$DATA" "/tmp/kafka-anchor-$KAFKA_PORT"' EXIT
start_kafka "$KAFKA_PORT"
start_runnel "$RUNNEL_PORT" "$DATA"
sleep 3   # let Kafka's controller elect itself before the first topic is created
SIDES="kafka-$KAFKA_VERSION:$KAFKA_PORT runnel:$RUNNEL_PORT"
[ "${FIRST:-kafka}" = kafka ] || SIDES="runnel:$RUNNEL_PORT kafka-$KAFKA_VERSION:$KAFKA_PORT"
bench() { bench_java "$CLIENT_LOG" -Xmx1g "$@"; }
for size in ${SIZES:-1024 20480}; do
  for side in $SIDES; do
    bench io.runnel.bench.FetchPositionBenchmark "127.0.0.1:${side##*:}" "${side%%:*}" "$size" "${WINDOW_MIB:-512}" "${ROUNDS:-3}"
  done
done
for side in $SIDES; do
  bench io.runnel.bench.ColdReaderInterferenceBenchmark "127.0.0.1:${side##*:}" "${side%%:*}" "${RATE:-5000}" "${DURATION_S:-30}" "${READER_MIB_S:-0}" \
    "${COLD_ROUNDS:-3}"
done
