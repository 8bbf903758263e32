# Shared by the notebook scripts: builds the project (jobs/common.sh) and the notebook tools,
# and gives the JVM command line that has both on its classpath.
source "$(dirname "${BASH_SOURCE[0]}")/../jobs/common.sh"
TOOLS="$ROOT/notebooks/tools"
# Debian's Jupyter runs on Debian's Python (a python3 earlier on PATH may lack nbformat).
PYTHON="${PYTHON:-/usr/bin/python3}"

# Builds the project and the tools when their sources changed; "ensure_tools_built test"
# always builds the tools and runs their tests.
ensure_tools_built() {
  ensure_built
  local stamp="$TOOLS/target/.tools-built" opts=(-q -DskipTests)
  if [[ "${1:-}" == test ]]; then
    opts=()
    rm -f "$stamp"
  fi
  if [[ ! -f "$stamp" || -n "$(find "$TOOLS/src/main" "$TOOLS/pom.xml" -newer "$stamp" -print -quit)" ]]; then
    echo "building notebook tools (mvn package) ..." >&2
    (cd "$TOOLS" && mvn -B "${opts[@]}" package dependency:build-classpath \
        -Dmdep.outputFile="$TOOLS/target/classpath.txt" -Dmdep.includeScope=runtime) >&2
    touch "$stamp"
  fi
}

# NOTEBOOK_JAVA: the java command (an array) for MAIN of the tools, with the job jar and the
# Spark jars (the classpath of the embedded driver),
# the module flags Spark needs, headless AWT for the plots, the quiet log configuration and
# any further JVM options: notebook_java MAIN [JVM_OPTION ...]
notebook_java() {
  local main="$1"; shift
  local java="java"
  [[ -n "${JAVA_HOME:-}" ]] && java="$JAVA_HOME/bin/java"
  # shellcheck disable=SC2207
  NOTEBOOK_JAVA=("$(command -v "$java")" ${SPARSEVD_NOTEBOOK_JAVA_OPTS:--Xmx4g} -XX:G1HeapRegionSize=16m
    $(cat "$TARGET/jvm-flags.txt") -Djava.awt.headless=true
    "-Dlog4j.configurationFile=$ROOT/conf/log4j2.properties"
    "$@" -cp "$JAR:$(cat "$TARGET/spark-classpath.txt"):$TOOLS/target/sparsevd-notebook-tools-0.1.0-SNAPSHOT.jar:$(cat "$TOOLS/target/classpath.txt")"
    "$main")
}
