# Sourced by mvnw, bin/runnel and .ci/run: exports JAVA_HOME pointing at a JDK >= 21.
# Order: JAVA_HOME when it is new enough, then the java on PATH, then the usual install roots.
# Fails with a clear message when no JDK >= 21 is found.

runnel_java_major() {
  # prints the feature version of the java binary $1, or nothing
  "$1" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java\.specification\.version = \([0-9]*\).*/\1/p' | head -n 1
}

runnel_find_jdk() {
  _want=21
  # callers may run with globbing off (mvnw uses set -f); the search below needs it
  case $- in *f*) _noglob=1; set +f ;; *) _noglob= ;; esac
  for _home in "${JAVA_HOME-}" \
      "$(dirname "$(dirname "$(readlink -f "$(command -v javac 2>/dev/null || echo /nonexistent)")")")" \
      /usr/lib/jvm/* /opt/java/* /opt/jdk* /usr/local/lib/jvm/* "$HOME"/.sdkman/candidates/java/* "$HOME"/.jdks/*; do
    [ -n "$_home" ] && [ -x "$_home/bin/java" ] && [ -x "$_home/bin/javac" ] || continue
    _major=$(runnel_java_major "$_home/bin/java")
    if [ -n "$_major" ] && [ "$_major" -ge "$_want" ]; then
      JAVA_HOME="$_home"
      export JAVA_HOME
      [ -z "$_noglob" ] || set -f
      return 0
    fi
  done
  [ -z "$_noglob" ] || set -f
  echo "Runnel needs a JDK $_want or newer. None was found in JAVA_HOME (${JAVA_HOME:-unset}), on PATH," >&2
  echo "or under /usr/lib/jvm, /opt/java, ~/.sdkman. Install one (e.g. apt-get install openjdk-21-jdk-headless)" >&2
  echo "or point JAVA_HOME at it." >&2
  return 1
}
