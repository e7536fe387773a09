#!/usr/bin/env bash
# Storage restart time: how long opening every log takes after a clean shutdown and after a crash, for
# PARTITIONS partitions of MIB MiB each (defaults: 1000 partitions, 1 and 10 MiB each), in segments of
# SEGMENT_MIB (default 64; a small one gives logs of thousands of segments), the logs opened RECOVERY_THREADS at a
# time (num.recovery.threads.per.data.dir, default 2). The broker code's own logging goes to LOG (default
# /tmp/restart-bench.log), printed if a run fails.
#   [SEGMENT_MIB=1] [RECOVERY_THREADS=2] runnel-bench/bin/restart.sh [PARTITIONS [MIB...]]
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
. "$ROOT/runnel-bench/bin/lib.sh"
bench_classpath
LOG=${LOG:-/tmp/restart-bench.log}
: >"$LOG"
partitions=${1:-1000}
shift || true
for mib in ${*:-1 10}; do
  bench_java "$LOG" -Xmx1g io.runnel.bench.RestartBenchmark "$partitions" "$mib" "${SEGMENT_MIB:-64}" \
    "${RECOVERY_THREADS:-2}"
done
