#!/usr/bin/env bash
# Fetch from the head vs the tail of a big partition, and a cold reader's effect on a tail producer, Runnel beside
# Apache Kafka 4.1.1 (FetchPositionBenchmark, ColdReaderInterferenceBenchmark). For each size (MiB, default
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
SHARED=${SHARED:-$(cd "$ROOT/../shared" && pwd)}
KAFKA_PORT=${KAFKA_PORT:-29192}   # not the other scripts' ports, so a group-join run elsewhere does not collide
RUNNEL_PORT=${RUNNEL_PORT:-9192}
. "$ROOT/runnel-bench/bin/bench-classpath.sh"
DATA=$(mktemp -d /tmp/runnel-fetch-XXXXXX)
CLIENT_LOG=${CLIENT_LOG:-/tmp/fetch-position-clients.log}   # the clients' own logging, kept for when a run fails
: >"$CLIENT_LOG"
wait_port() { for _ in $(seq 300); do (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null && return 0; sleep 0.1; done; return 1; }
KAFKA_PID=$("$SHARED/kafka/start.sh" "$KAFKA_PORT")
RUNNEL_JVM_OPTS="${RUNNEL_JVM_OPTS:--Xms1g -Xmx1g -XX:+UseG1GC}" bin/runnel server --override "listeners=PLAINTEXT://127.0.0.1:$RUNNEL_PORT" \
  --override "log.dirs=$DATA" >"$DATA.log" 2>&1 &
RUNNEL_PID=$!
trap 'kill "$RUNNEL_PID" "$KAFKA_PID" 2>/dev/null || true; wait "$RUNNEL_PID" 2>/dev/null || true
      while kill -0 "$KAFKA_PID" 2>/dev/null; do sleep 0.2; done; rm -rf "$DATA" "/tmp/kafka-anchor-$KAFKA_PORT"' EXIT
wait_port "$KAFKA_PORT" || { echo "Kafka did not start (see /tmp/kafka-anchor-$KAFKA_PORT.log)" >&2; exit 1; }
wait_port "$RUNNEL_PORT" || { echo "Runnel did not start (see $DATA.log)" >&2; exit 1; }
sleep 3   # let Kafka's controller elect itself before the first topic is created
SIDES="kafka-4.1.1:$KAFKA_PORT runnel:$RUNNEL_PORT"
[ "${FIRST:-kafka}" = kafka ] || SIDES="runnel:$RUNNEL_PORT kafka-4.1.1:$KAFKA_PORT"
# shellcheck disable=SC2086   # BENCH_JVM_OPTS: extra flags for the client JVMs, e.g. -Xlog:gc:file=/tmp/gc.log
bench() { flock /tmp/cpu-heavy.lock "$JAVA_HOME/bin/java" -Xmx1g ${BENCH_JVM_OPTS:-} -cp "$CP" "$@" 2>>"$CLIENT_LOG" ||
  { echo "$1 failed; the clients' log is $CLIENT_LOG" >&2; exit 1; }; }
for size in ${SIZES:-1024 20480}; do
  for side in $SIDES; do
    bench io.runnel.bench.FetchPositionBenchmark "127.0.0.1:${side##*:}" "${side%%:*}" "$size" "${WINDOW_MIB:-512}" "${ROUNDS:-3}"
  done
done
for side in $SIDES; do
  bench io.runnel.bench.ColdReaderInterferenceBenchmark "127.0.0.1:${side##*:}" "${side%%:*}" "${RATE:-5000}" "${DURATION_S:-30}" "${READER_MIB_S:-0}" \
    "${COLD_ROUNDS:-3}"
done
