# Shared by the job scripts: build on demand, then run a main class with spark-submit when
# one is on PATH, otherwise with the embedded Spark from the Maven classpath (local[*]).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
TARGET="$ROOT/target"
JAR="$TARGET/sparsevd-spark-0.1.0-SNAPSHOT.jar"
export SPARK_LOCAL_IP="${SPARK_LOCAL_IP:-127.0.0.1}"

# Rebuilds when any source or the pom is newer than the last build.
ensure_built() {
  local stamp="$TARGET/.jobs-built"
  if [[ ! -f "$stamp" || -n "$(find "$ROOT/src/main" "$ROOT/pom.xml" -newer "$stamp" -print -quit)" ]]; then
    echo "building (mvn package) ..." >&2
    (cd "$ROOT" && mvn -q -B -DskipTests package dependency:build-classpath \
        -Dmdep.outputFile="$TARGET/classpath.txt" -Dmdep.includeScope=runtime \
      && mvn -q -B help:evaluate -Dexpression=jvm.module.flags -DforceStdout \
        | sed 's/\x1b\[[0-9;]*m//g' > "$TARGET/jvm-flags.txt") >&2
    touch "$stamp"
  fi
}

# spark-defaults.conf as -D options for the embedded driver (SparkConf reads spark.* properties).
spark_defaults_as_props() {
  grep -E '^\s*spark\.' "$ROOT/conf/spark-defaults.conf" | grep -v '^\s*spark\.driver\.extraJavaOptions' \
    | awk '{ printf "-D%s=%s ", $1, $2 }'
}

driver_java_options() {
  grep -E '^\s*spark\.driver\.extraJavaOptions' "$ROOT/conf/spark-defaults.conf" \
    | sed -E 's/^\s*spark\.driver\.extraJavaOptions\s+//'
}

run_main() {
  local main="$1"; shift
  ensure_built
  local log="-Dlog4j.configurationFile=$ROOT/conf/log4j2.properties"
  if command -v spark-submit >/dev/null 2>&1; then
    # The job's --master also goes to spark-submit, which otherwise fixes the master itself;
    # SPARSEVD_SUBMIT_ARGS adds any other spark-submit option (--deploy-mode, --conf ...).
    local master=() args=("$@") i
    for ((i = 0; i < ${#args[@]} - 1; i++)); do
      [[ "${args[i]}" == "--master" ]] && master=(--master "${args[i + 1]}")
    done
    # --driver-java-options replaces spark.driver.extraJavaOptions, so it carries both.
    # shellcheck disable=SC2086
    exec spark-submit "${master[@]}" ${SPARSEVD_SUBMIT_ARGS:-} --class "$main" \
      --properties-file "$ROOT/conf/spark-defaults.conf" \
      --driver-java-options "$log $(driver_java_options)" "$JAR" "$@"
  fi
  # shellcheck disable=SC2046
  # The embedded driver is started here, so spark.driver.extraJavaOptions is applied here too.
  # spark.jars ships the project's classes to executors on a cluster master.
  exec java ${SPARSEVD_JAVA_OPTS:--Xmx8g} $(driver_java_options) $(cat "$TARGET/jvm-flags.txt") "$log" \
    -Djava.awt.headless=true $(spark_defaults_as_props) -Dspark.jars="$JAR" \
    -cp "$TARGET/classes:$(cat "$TARGET/classpath.txt")" "$main" "$@"
}
