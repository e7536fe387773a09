#!/usr/bin/env bash
# Runs the JMH micro-benchmarks of runnel-bench; arguments go to JMH (e.g. AppendBenchmark -p batchBytes=16384).
#   runnel-bench/bin/jmh.sh [JMH ARGS...]
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
. "$ROOT/bin/find-jdk.sh"
runnel_find_jdk
cd "$ROOT"
./mvnw -q -B -DskipTests install -pl runnel-bench -am
./mvnw -q -B -pl runnel-bench dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile=target/classpath.txt
exec "$JAVA_HOME/bin/java" -cp "runnel-bench/target/test-classes:$(cat runnel-bench/target/classpath.txt)" \
  org.openjdk.jmh.Main "$@"
