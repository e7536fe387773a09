# Sourced by the runnel-bench scripts: finds a JDK >= 21, builds and installs runnel-bench with everything it
# depends on (the broker's jar included), and sets CP to runnel-bench's test classpath. Leaves the shell in ROOT.
# Expects ROOT (the repository root).
. "$ROOT/bin/find-jdk.sh"
runnel_find_jdk
cd "$ROOT"
./mvnw -q -B -DskipTests install -pl runnel-bench -am
./mvnw -q -B -pl runnel-bench dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile=target/classpath.txt
CP="runnel-bench/target/test-classes:$(cat runnel-bench/target/classpath.txt)"
