#!/usr/bin/env bash
# Runs the JMH micro-benchmarks of runnel-bench; arguments go to JMH (e.g. AppendBenchmark -p batchBytes=16384).
#   runnel-bench/bin/jmh.sh [JMH ARGS...]
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
. "$ROOT/runnel-bench/bin/lib.sh"
bench_classpath
exec "$JAVA_HOME/bin/java" -cp "$CP" org.openjdk.jmh.Main "$@"
