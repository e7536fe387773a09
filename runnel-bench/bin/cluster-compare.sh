#!/usr/bin/env bash
# A three-node cluster of Runnel beside one of Apache Kafka ($KAFKA_VERSION, 4.4.0 unless set), both all combined
# nodes (broker + controller in one JVM, KRaft's process.roles=broker,controller) on this machine, one cluster at a
# time, each node with the same JVM flags (NODE_JVM_OPTS, default -Xms1g -Xmx1g -XX:+UseG1GC) and its own fresh
# data dir. For each cluster, in this order:
#   4. idle footprint: VmRSS and Threads (/proc/PID/status) of every node's JVM after IDLE_S s of idleness;
#   1. PARTITIONS partitions (TOPIC_PARTITIONS per topic, TOPICS_PER_REQUEST topics per CreateTopics, all requests
#      sent at once, replication factor 1) until every partition has a leader in all three brokers' Metadata;
#   3. metadata propagation: REPS times, a one-partition topic created through node 1, until each broker's Metadata
#      shows it with a leader (p50, p99);
#   2. controller failover, FAILOVERS times: kill -9 of the active controller until the next accepted CreateTopics,
#      then the node restarted and the cluster whole again before the next round (each round and the median).
# Prints a markdown table, Runnel beside Kafka, on stdout (progress on stderr):
#
#   runnel-bench/bin/cluster-compare.sh > cluster.md          # 10,000 partitions, 5 failovers, 100 repetitions
#   PARTITIONS=500 FAILOVERS=1 REPS=10 runnel-bench/bin/cluster-compare.sh
#
# Env: PARTITIONS (10000), TOPIC_PARTITIONS (100), TOPICS_PER_REQUEST (10), FAILOVERS (5), REPS (100), IDLE_S
# (10), SETTLE_S (5: the pause between measurements and after a restarted node is back), FORM_S (300: how long a cluster may take to form;
# a fresh cluster that does not form is started again, up to 3 times, and the output says so; one that never
# forms leaves its column n/a, its nodes' logs on stderr, and the script exits 1 after the table), NODE_JVM_OPTS, SYSTEMS ("runnel kafka"),
# RUNNEL_PORT and KAFKA_PORT (9190 and 9290: node N's broker listens on PORT+(N-1)*10000, its controller on one
# above), KEEP_WORK=1 (keep the temp dir: configs, every node's log, the clients' log), MVN_OFFLINE= (let Maven
# download; default offline, -o). The active controller is found with DescribeQuorum (Admin.describeMetadataQuorum),
# or, where a cluster does not serve it, from the nodes' own "Node N is the active controller" log lines.
# Measurements hold /tmp/cpu-heavy.lock (BENCH_LOCK) as ../shared/bench does; the nodes never do. Every node and
# the temp dir go at exit, failed or not.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
. "$ROOT/runnel-bench/bin/lib.sh"

PARTITIONS=${PARTITIONS:-10000}
TOPIC_PARTITIONS=${TOPIC_PARTITIONS:-100}
TOPICS_PER_REQUEST=${TOPICS_PER_REQUEST:-10}
FAILOVERS=${FAILOVERS:-5}
REPS=${REPS:-100}
IDLE_S=${IDLE_S:-10}
SETTLE_S=${SETTLE_S:-5}
NODE_JVM_OPTS=${NODE_JVM_OPTS:--Xms1g -Xmx1g -XX:+UseG1GC}
SYSTEMS=${SYSTEMS:-runnel kafka}
RUNNEL_PORT=${RUNNEL_PORT:-9190}
KAFKA_PORT=${KAFKA_PORT:-9290}
KAFKA_LIB=${KAFKA_LIB:-$HOME/.cache/kafka-$KAFKA_VERSION/lib}
BENCH_LOCK=${BENCH_LOCK:-/tmp/cpu-heavy.lock}
CLUSTER_ID=Y2x1c3RlcmJlbmNoMDAwMA   # base64 of "clusterbench0000": a valid KRaft cluster id, for both
[ "$TOPIC_PARTITIONS" -le "$PARTITIONS" ] || TOPIC_PARTITIONS=$PARTITIONS
[ $((PARTITIONS % TOPIC_PARTITIONS)) -eq 0 ] ||
  bench_fail "PARTITIONS ($PARTITIONS) must be a multiple of TOPIC_PARTITIONS ($TOPIC_PARTITIONS)"
TOPICS=$((PARTITIONS / TOPIC_PARTITIONS))

if [ "$(ulimit -n)" != unlimited ] && [ "$(ulimit -n)" -lt "$PARTITIONS" ]; then
  echo "WARNING: ulimit -n is $(ulimit -n): a node may run out of file descriptors for its share of $PARTITIONS partitions" >&2
fi

WORK=$(mktemp -d /tmp/cluster-compare-XXXXXX)
CLIENT_LOG=$WORK/clients.log
: >"$CLIENT_LOG"
declare -A PID=() LOG=() STARTS=() QUORUM_API=()
NOTES=()
FAILED=

log() { echo "[$(date +%H:%M:%S)] $*" >&2; }

# kill_node SYS N: kill -9, and wait until it is gone (the data is thrown away anyway: no clean shutdown to wait for).
kill_node() {
  local key=$1-$2 pid=${PID[$1-$2]:-}
  [ -n "$pid" ] || return 0
  kill -9 "$pid" 2>/dev/null || true
  while alive "$pid"; do sleep 0.1; done
  PID[$key]=
}

cleanup() {
  local rc=$? key
  trap - EXIT INT TERM
  [ -z "${AWAITER:-}" ] || kill "$AWAITER" 2>/dev/null || true
  for key in "${!PID[@]}"; do
    [ -z "${PID[$key]}" ] || kill_node "${key%-*}" "${key##*-}"
  done
  if [ -n "${KEEP_WORK:-}" ]; then
    log "kept $WORK"
  else
    rm -rf "$WORK"
  fi
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

port_base() { if [ "$1" = runnel ]; then echo "$RUNNEL_PORT"; else echo "$KAFKA_PORT"; fi; }
broker_port() { echo $(($(port_base "$1") + ($2 - 1) * 10000)); }
controller_port() { echo $(($(broker_port "$1" "$2") + 1)); }
# brokers SYS [EXCEPT]: host:port of every broker (node 1 first) but EXCEPT's
brokers() {
  local n list=
  for n in 1 2 3; do
    [ "$n" = "${2:-}" ] || list="$list${list:+,}127.0.0.1:$(broker_port "$1" "$n")"
  done
  echo "$list"
}
label() { if [ "$1" = runnel ]; then echo Runnel; else echo "Kafka $KAFKA_VERSION"; fi; }
# alive PID: the process exists and is no zombie (a killed child stays a zombie until reaped)
alive() {
  local state
  state=$(ps -o stat= -p "$1" 2>/dev/null) || return 1
  [[ $state != Z* ]]
}
note() {
  NOTES+=("$*")
  log "NOTE: $*"
}
record() {
  local sys=$1
  shift
  echo "$*" >>"$WORK/$sys.results"
}
value() { awk -v k="$2" '$1 == k { $1 = ""; sub(/^ /, ""); print; exit }' "$WORK/$1.results" 2>/dev/null; }

# The client JVM: ClusterBench, its stderr into CLIENT_LOG. `measure` runs it under the CPU lock.
CLIENT_JVM=(-Xmx512m -XX:+UseG1GC -Dorg.slf4j.simpleLogger.defaultLogLevel=warn)
bench() {
  local rc=0
  "$JAVA_HOME/bin/java" "${CLIENT_JVM[@]}" -cp "$CP" io.runnel.bench.cluster.ClusterBench "$@" 2>"$WORK/last.err" ||
    rc=$?
  cat "$WORK/last.err" >>"$CLIENT_LOG"
  return $rc
}
measure() {
  if [ -n "${BENCH_LOCK_HELD:-}" ]; then
    bench "$@"
    return
  fi
  flock -n "$BENCH_LOCK" true || log "waiting for $BENCH_LOCK ..."
  local rc=0
  BENCH_LOCK_HELD=1 flock -w "${BENCH_LOCK_WAIT_S:-1800}" -E 75 "$BENCH_LOCK" \
    "$JAVA_HOME/bin/java" "${CLIENT_JVM[@]}" -cp "$CP" io.runnel.bench.cluster.ClusterBench "$@" \
    2>"$WORK/last.err" || rc=$?
  cat "$WORK/last.err" >>"$CLIENT_LOG"
  [ $rc != 75 ] || log "no $BENCH_LOCK within ${BENCH_LOCK_WAIT_S:-1800} s"
  return $rc
}
# why: the last error line the client printed
why() { grep -v '^\s*at \|^\s*\.\.\.' "$WORK/last.err" | tail -n 1; }

print_logs() {
  local key
  for key in "${!LOG[@]}"; do
    echo "----- last 40 lines of ${LOG[$key]} -----" >&2
    tail -n 40 "${LOG[$key]}" >&2 || true
  done
  echo "----- last 40 lines of the clients' log -----" >&2
  tail -n 40 "$CLIENT_LOG" >&2 || true
}

build() {
  log "building Runnel and runnel-bench (./mvnw ${MVN_OFFLINE--o} package -pl runnel-bench -am)"
  (cd "$ROOT" && ./mvnw -B -q ${MVN_OFFLINE--o} -DskipTests -pl runnel-bench -am package dependency:build-classpath \
    -Dmdep.includeScope=test -Dmdep.outputFile=target/classpath.txt) >&2 ||
    bench_fail "building Runnel and runnel-bench failed (above)"
  # as bin/runnel does: the shade plugin may leave an unchanged jar's time alone; mark it as built from these sources
  touch "$ROOT"/runnel-server/target/runnel-server-*-all.jar
  CP="$ROOT/runnel-bench/target/test-classes:$(cat "$ROOT/runnel-bench/target/classpath.txt")"
  if [[ " $SYSTEMS " == *" kafka "* ]] && [ ! -f "$KAFKA_LIB/kafka_2.13-$KAFKA_VERSION.jar" ]; then
    log "fetching Kafka $KAFKA_VERSION's jars into $KAFKA_LIB (as ../shared/kafka/start.sh does)"
    mkdir -p "$KAFKA_LIB"
    (cd "$SHARED/kafka" && mvn -q dependency:copy-dependencies -Dkafka.version="$KAFKA_VERSION" \
      -DoutputDirectory="$KAFKA_LIB") >&2 || bench_fail "fetching Kafka's jars failed (above)"
  fi
}

# configure SYS: fresh data dirs and the three nodes' properties (Kafka's formatted, as start.sh does).
configure() {
  local sys=$1 n voters= props
  for n in 1 2 3; do
    voters="$voters${voters:+,}$n@127.0.0.1:$(controller_port "$sys" "$n")"
    for port in $(broker_port "$sys" "$n") $(controller_port "$sys" "$n"); do
      if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
        bench_fail "port $port is in use: set $( [ "$sys" = runnel ] && echo RUNNEL_PORT || echo KAFKA_PORT) to another base"
      fi
    done
  done
  for n in 1 2 3; do
    props=$WORK/$sys-$n.properties
    rm -rf "$WORK/$sys-$n-data"
    cat >"$props" <<EOF
node.id=$n
process.roles=broker,controller
listeners=PLAINTEXT://127.0.0.1:$(broker_port "$sys" "$n"),CONTROLLER://127.0.0.1:$(controller_port "$sys" "$n")
controller.listener.names=CONTROLLER
listener.security.protocol.map=CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT
controller.quorum.voters=$voters
log.dirs=$WORK/$sys-$n-data
EOF
    if [ "$sys" = runnel ]; then
      echo "cluster.id=$CLUSTER_ID" >>"$props"   # formats its empty dir itself on first start
    else
      # what ../shared/kafka/server.properties sets beside the listeners
      cat >>"$props" <<EOF
advertised.listeners=PLAINTEXT://127.0.0.1:$(broker_port "$sys" "$n")
inter.broker.listener.name=PLAINTEXT
num.partitions=1
offsets.topic.replication.factor=1
transaction.state.log.replication.factor=1
transaction.state.log.min.isr=1
group.initial.rebalance.delay.ms=0
EOF
      "$JAVA_HOME/bin/java" -cp "$KAFKA_LIB/*" -Dlog4j2.configurationFile="$SHARED/kafka/log4j2.properties" \
        kafka.tools.StorageTool format -t "$CLUSTER_ID" -c "$props" >"$WORK/$sys-$n-format.log" 2>&1 ||
        bench_fail "formatting Kafka node $n failed" "$WORK/$sys-$n-format.log"
    fi
  done
}

# start_node SYS N: starts the node (never under the lock), its output in a new log per start.
start_node() {
  local sys=$1 n=$2 key=$1-$2
  STARTS[$key]=$((${STARTS[$key]:-0} + 1))
  LOG[$key]=$WORK/$key.${STARTS[$key]}.log
  if [ "$sys" = runnel ]; then
    RUNNEL_JVM_OPTS="$NODE_JVM_OPTS" "$ROOT/bin/runnel" server --config "$WORK/$key.properties" >"${LOG[$key]}" 2>&1 &
  else
    # shellcheck disable=SC2086
    "$JAVA_HOME/bin/java" $NODE_JVM_OPTS -cp "$KAFKA_LIB/*" -Dlog4j2.configurationFile="$SHARED/kafka/log4j2.properties" \
      kafka.Kafka "$WORK/$key.properties" >"${LOG[$key]}" 2>&1 &
  fi
  PID[$key]=$!
  # not a job of this shell: the shell still reaps it, but does not announce "Killed" when a failover kills it
  disown "${PID[$key]}"
}

# await_cluster SYS: returns once every broker's Metadata lists all three brokers; fails, saying why in WHY, when a
# node exits first or that takes more than FORM_S (default 300) s.
await_cluster() {
  local sys=$1 n waiter rc=0
  "$JAVA_HOME/bin/java" "${CLIENT_JVM[@]}" -cp "$CP" io.runnel.bench.cluster.ClusterBench \
    await-brokers "${FORM_S:-300}" 3 "$(brokers "$sys")" 2>"$WORK/last.err" &
  waiter=$!
  AWAITER=$waiter
  while alive "$waiter"; do
    for n in 1 2 3; do
      if ! alive "${PID[$sys-$n]}"; then
        kill "$waiter" 2>/dev/null || true
        wait "$waiter" 2>/dev/null || true
        WHY=$(grep -E 'ERROR|Exception|Error' "${LOG[$sys-$n]}" | tail -n 1 | cut -c1-400)
        WHY="node $n exited: ${WHY:-$(tail -n 1 "${LOG[$sys-$n]}" | cut -c1-400)}"
        return 1
      fi
    done
    sleep 0.5
  done
  wait "$waiter" || rc=$?
  cat "$WORK/last.err" >>"$CLIENT_LOG"
  [ $rc = 0 ] || WHY=$(why)
  return $rc
}

# log_says_active SYS N: this start's log says, last, that the node became the active controller (Runnel's words)
log_says_active() {
  awk -v on="Node $2 is the active controller" -v off="Node $2 is no longer the active controller" \
    'index($0, on) { s = 1 } index($0, off) { s = 0 } END { exit !s }' "${LOG[$1-$2]}"
}

# active_controller SYS: prints the active controller's node id (DescribeQuorum, else the logs); fails after 60 s.
active_controller() {
  local sys=$1 n deadline=$((SECONDS + 60))
  if [ "${QUORUM_API[$sys]}" = yes ]; then
    bench controller "$(brokers "$sys")"
    return
  fi
  while [ "$SECONDS" -lt "$deadline" ]; do
    for n in 1 2 3; do
      if alive "${PID[$sys-$n]}" && log_says_active "$sys" "$n"; then
        echo "$n"
        return
      fi
    done
    sleep 0.2
  done
  return 1
}

footprint() {
  local sys=$1 n pid
  log "$(label "$sys"): idle for $IDLE_S s, then RSS and threads"
  sleep "$IDLE_S"
  for n in 1 2 3; do
    pid=${PID[$sys-$n]}
    record "$sys" "rss_mib_node$n $(awk '/^VmRSS:/ { printf "%.0f", $2 / 1024 }' "/proc/$pid/status")"
    record "$sys" "threads_node$n $(awk '/^Threads:/ { print $2 }' "/proc/$pid/status")"
  done
}

create_partitions() {
  local sys=$1 out
  log "$(label "$sys"): creating $PARTITIONS partitions ($TOPICS topics x $TOPIC_PARTITIONS)"
  if out=$(measure create "$TOPICS" "$TOPIC_PARTITIONS" "$TOPICS_PER_REQUEST" "$(brokers "$sys")"); then
    record "$sys" "$out"
  else
    note "$(label "$sys"): creating $PARTITIONS partitions failed: $(why)"
  fi
}

propagation() {
  local sys=$1 out controller
  controller=$(active_controller "$sys") || controller="?"
  record "$sys" "prop_controller $controller"
  log "$(label "$sys"): metadata propagation, $REPS topics created through node 1 (active controller: node $controller)"
  if out=$(measure propagation "$REPS" 1 "$(brokers "$sys")"); then
    record "$sys" "$out"
  else
    note "$(label "$sys"): metadata propagation failed: $(why)"
  fi
}

failovers() {
  local sys=$1 round victim pid out
  for round in $(seq 1 "$FAILOVERS"); do
    if ! victim=$(active_controller "$sys"); then
      note "$(label "$sys"): no active controller found for failover round $round; failover stopped"
      return
    fi
    pid=${PID[$sys-$victim]}
    log "$(label "$sys"): failover $round/$FAILOVERS: kill -9 of node $victim (pid $pid), the active controller"
    if out=$(measure failover "$pid" "$round" "$(brokers "$sys" "$victim")"); then
      record "$sys" "failover_round$round ${out#failover_ms } $victim"
    else
      note "$(label "$sys"): failover round $round failed: $(why)"
    fi
    if alive "$pid"; then
      note "$(label "$sys"): failover round $round did not kill node $victim; failover stopped"
      return
    fi
    start_node "$sys" "$victim"
    if ! await_cluster "$sys"; then
      note "$(label "$sys"): node $victim did not rejoin after failover round $round: $WHY; failover stopped"
      return
    fi
    sleep "$SETTLE_S"
  done
}

run_cluster() {
  local sys=$1 n out rc attempt
  log "$(label "$sys"): starting three combined nodes (brokers on $(brokers "$sys"))"
  for attempt in 1 2 3; do
    configure "$sys"
    for n in 1 2 3; do
      start_node "$sys" "$n"
    done
    if await_cluster "$sys"; then
      break
    fi
    note "$(label "$sys"): the fresh cluster did not form (attempt $attempt of 3): $WHY"
    if [ "$attempt" = 3 ]; then
      print_logs
      for n in 1 2 3; do
        kill_node "$sys" "$n"
      done
      FAILED=1
      return
    fi
    for n in 1 2 3; do
      kill_node "$sys" "$n"
    done
  done
  rc=0
  out=$(bench controller "$(brokers "$sys")") || rc=$?
  if [ $rc = 0 ]; then
    QUORUM_API[$sys]=yes
  else
    QUORUM_API[$sys]=no
    note "$(label "$sys"): ${out:-DescribeQuorum failed: $(why)}; the active controller is read from its nodes' logs"
  fi
  footprint "$sys"
  create_partitions "$sys"
  sleep "$SETTLE_S"   # what the creation set off in the background (logs, checkpoints) is not the next figure's
  propagation "$sys"
  sleep "$SETTLE_S"
  failovers "$sys"
  for n in 1 2 3; do
    kill_node "$sys" "$n"
  done
  rm -rf "$WORK/$sys"-?-data
}

# ---- the table --------------------------------------------------------------------------------------------------

cell_nodes() { # SYS KEY_PREFIX: "a / b / c"
  local a b c
  a=$(value "$1" "${2}1") b=$(value "$1" "${2}2") c=$(value "$1" "${2}3")
  if [ -n "$a$b$c" ]; then echo "${a:-?} / ${b:-?} / ${c:-?}"; else echo "n/a"; fi
}
cell() { local v; v=$(value "$1" "$2"); echo "${v:-n/a}"; }
cell_pct() { # SYS KEY: "p50 / p99"
  local v
  v=$(value "$1" "$2")
  if [ -n "$v" ]; then echo "${v% *} / ${v#* }"; else echo "n/a"; fi
}
failover_rounds() { grep '^failover_round' "$WORK/$1.results" 2>/dev/null || true; }
cell_failover_median() {
  local v
  v=$(failover_rounds "$1" | awk '{ print $2 }' | sort -n |
    awk '{ a[NR] = $1 } END { if (NR) print (NR % 2 ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2) }')
  if [ -n "$v" ]; then echo "$v (of $(failover_rounds "$1" | wc -l))"; else echo "n/a"; fi
}
cell_failover_each() {
  local v
  v=$(failover_rounds "$1" | awk '{ printf "%s%s (node %s)", (NR > 1 ? ", " : ""), $2, $3 }')
  echo "${v:-n/a}"
}

table() {
  local sys row
  local -a cols=()
  for sys in $SYSTEMS; do cols+=("$sys"); done
  row() { # LABEL FUNCTION ARGS...: one row, a cell per system
    local label=$1 fn=$2 line
    shift 2
    line="| $label |"
    for sys in "${cols[@]}"; do line="$line $($fn "$sys" "$@") |"; done
    echo "$line"
  }
  echo "### Three-node cluster: $(for sys in "${cols[@]}"; do printf '%s, ' "$(label "$sys")"; done | sed 's/, $//')"
  echo
  echo "$(date -u +%Y-%m-%d), Runnel $(git -C "$ROOT" rev-parse --short HEAD), $(nproc) cores, $(uname -sr)," \
    "$("$JAVA_HOME/bin/java" -version 2>&1 | head -n 1). Three combined nodes (broker + controller) per cluster," \
    "one machine, each node \`$NODE_JVM_OPTS\`; replication factor 1; created through Admin (bulk, failover probe)" \
    "or straight to node 1 (propagation); Metadata read from each broker's own socket."
  echo
  local header="| |" rule="| --- |"
  for sys in "${cols[@]}"; do
    header="$header $(label "$sys") |"
    rule="$rule ---: |"
  done
  echo "$header"
  echo "$rule"
  row "Idle RSS per node, MiB (node 1 / 2 / 3; after ${IDLE_S} s idle)" cell_nodes rss_mib_node
  row "Idle threads per node (node 1 / 2 / 3)" cell_nodes threads_node
  row "Create $PARTITIONS partitions ($TOPICS topics × $TOPIC_PARTITIONS, $TOPICS_PER_REQUEST topics per CreateTopics): every CreateTopics answered, ms" cell create_ack_ms
  row "… every partition has a leader in all 3 brokers' Metadata, ms" cell create_leaders_ms
  row "… the same, per broker (node 1 / 2 / 3), ms" cell_nodes create_leaders_ms_node
  row "Controller failover, kill -9 of the active controller → next accepted CreateTopics: median, ms" cell_failover_median
  row "… each round, ms (killed node)" cell_failover_each
  row "Metadata propagation ($REPS topics of 1 partition created through node 1), p50 / p99 ms: CreateTopics answered" cell_pct prop_ack_ms
  row "… topic with a leader in node 1's Metadata" cell_pct prop_node1_ms
  row "… in node 2's" cell_pct prop_node2_ms
  row "… in node 3's" cell_pct prop_node3_ms
  row "… in all three brokers' Metadata" cell_pct prop_all_ms
  row "(active controller during propagation: node)" cell prop_controller
  if [ ${#NOTES[@]} -gt 0 ]; then
    echo
    for n in "${NOTES[@]}"; do echo "- $n"; done
  fi
}

build
for sys in $SYSTEMS; do
  case $sys in runnel | kafka) run_cluster "$sys" ;; *) bench_fail "SYSTEMS: runnel and/or kafka, not $sys" ;; esac
done
table
[ -z "${FAILED:-}" ] || exit 1
