# Sourced by the runnel-bench scripts: one place to find the JDK and the jar, build the benchmarks' class path,
# start Runnel and Apache Kafka (../shared/kafka/start.sh), wait for their ports and stop them again.
# Every failing step prints what it knows (the broker's or the clients' log) and exits non-zero: a script never
# goes on, or ends quietly, after a failure.
#
# Before sourcing: set -euo pipefail, and ROOT=the repository root.
# After sourcing: JAVA_HOME is a JDK >= 21, SHARED is ../shared beside the repository (or $SHARED), KAFKA_VERSION
# is the reference Kafka's version (4.4.0 unless set).

. "$ROOT/bin/find-jdk.sh"
runnel_find_jdk
SHARED=${SHARED:-$(cd "$ROOT/../shared" 2>/dev/null && pwd || echo "$ROOT/../shared")}
# The reference Kafka that ../shared/kafka/start.sh starts and ../shared/bench runs the tools of; results are labelled
# with it.
export KAFKA_VERSION=${KAFKA_VERSION:-4.4.0}

# bench_fail MESSAGE [LOG]: prints MESSAGE and the whole LOG (when given and present) on stderr; exits 1.
bench_fail() {
  echo "$1" >&2
  if [ -n "${2:-}" ] && [ -f "$2" ]; then
    echo "----- $2 -----" >&2
    cat "$2" >&2
    echo "----- end of $2 -----" >&2
  fi
  exit 1
}

# bench_classpath: builds and installs runnel-bench with everything it depends on (the broker's jar included)
# and sets CP to runnel-bench's test class path. Leaves the shell in ROOT.
bench_classpath() {
  cd "$ROOT"
  ./mvnw -q -B -DskipTests install -pl runnel-bench -am || bench_fail "building runnel-bench failed (above)"
  ./mvnw -q -B -pl runnel-bench dependency:build-classpath -Dmdep.includeScope=test \
    -Dmdep.outputFile=target/classpath.txt || bench_fail "resolving runnel-bench's class path failed (above)"
  CP="runnel-bench/target/test-classes:$(cat runnel-bench/target/classpath.txt)"
}

# wait_port PORT PID NAME LOG: until something listens on 127.0.0.1:PORT. Fails (printing LOG) when the process
# PID exits first or nothing listens within WAIT_PORT_S seconds (default 300: bin/runnel may build the jar first).
wait_port() {
  local port=$1 pid=$2 name=$3 log=$4 deadline=$((SECONDS + ${WAIT_PORT_S:-300}))
  until (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; do
    kill -0 "$pid" 2>/dev/null || bench_fail "$name exited before listening on port $port" "$log"
    [ "$SECONDS" -lt "$deadline" ] || bench_fail "$name did not listen on port $port within ${WAIT_PORT_S:-300} s" "$log"
    sleep 0.1
  done
}

# start_kafka PORT: starts the reference Kafka (KRaft, one node) on 127.0.0.1:PORT and waits for it; sets KAFKA_PID.
# Its log is /tmp/kafka-anchor-PORT.log.
start_kafka() {
  local port=$1
  KAFKA_PID=$("$SHARED/kafka/start.sh" "$port") ||
    bench_fail "Kafka did not start ($SHARED/kafka/start.sh $port)" "/tmp/kafka-anchor-$port-format.log"
  wait_port "$port" "$KAFKA_PID" Kafka "/tmp/kafka-anchor-$port.log"
}

# start_runnel PORT DATA [--override name=value ...]: starts bin/runnel on 127.0.0.1:PORT over the data dir DATA,
# its output in DATA.log, and waits for it; sets RUNNEL_PID. RUNNEL_JVM_OPTS defaults to a 1 GiB heap, as Kafka's.
start_runnel() {
  local port=$1 data=$2
  shift 2
  RUNNEL_JVM_OPTS="${RUNNEL_JVM_OPTS:--Xms1g -Xmx1g -XX:+UseG1GC}" "$ROOT/bin/runnel" server \
    --override "listeners=PLAINTEXT://127.0.0.1:$port" --override "log.dirs=$data" "$@" >"$data.log" 2>&1 &
  RUNNEL_PID=$!
  wait_port "$port" "$RUNNEL_PID" Runnel "$data.log"
}

# stop_brokers: stops whichever of RUNNEL_PID and KAFKA_PID were started and waits for them (for an EXIT trap).
stop_brokers() {
  kill ${RUNNEL_PID:-} ${KAFKA_PID:-} 2>/dev/null || true
  [ -z "${RUNNEL_PID:-}" ] || wait "$RUNNEL_PID" 2>/dev/null || true
  if [ -n "${KAFKA_PID:-}" ]; then
    while kill -0 "$KAFKA_PID" 2>/dev/null; do sleep 0.2; done
  fi
}

# bench_java LOG [JVM FLAG...] CLASS ARGS...: runs a benchmark class on CP under the shared CPU lock, its stderr
# appended to LOG; its results (stdout) pass through. On failure prints LOG and exits 1. BENCH_JVM_OPTS adds
# flags to every client JVM (e.g. -Xlog:gc:file=/tmp/gc.log).
bench_java() {
  local log=$1
  shift
  # shellcheck disable=SC2086
  flock /tmp/cpu-heavy.lock "$JAVA_HOME/bin/java" ${BENCH_JVM_OPTS:-} -cp "$CP" "$@" 2>>"$log" ||
    bench_fail "java $* failed; its log:" "$log"
}
