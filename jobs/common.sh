# Shared by the job scripts: build on demand, then run a main class with spark-submit when
# one is on PATH, otherwise through the Spark jars the build resolved (provided scope).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
TARGET="$ROOT/target"
JAR="$TARGET/sparsevd-spark-0.1.0-SNAPSHOT.jar"

# Rebuilds when any source or the pom is newer than the last build. The build leaves the job
# jar (this project, shaded, without Spark) and spark-classpath.txt (the provided Spark and
# Hadoop jars: what a Spark installation would hold).
ensure_built() {
  local stamp="$TARGET/.jobs-built"
  if [[ ! -f "$stamp" || -n "$(find "$ROOT/src/main" "$ROOT/pom.xml" -newer "$stamp" -print -quit)" ]]; then
    echo "building (mvn package) ..." >&2
    (cd "$ROOT" && mvn -q -B -Dmaven.test.skip=true package \
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

# The master key of a job's config file (its first argument, when that is a local file).
config_master() {
  [[ -f "${1:-}" ]] || return 0
  sed -nE 's/^[[:space:]]*master([[:space:]]*[=:][[:space:]]*|[[:space:]]+)//p' "$1" | tail -n 1
}

driver_java_options() {
  grep -E '^\s*spark\.driver\.extraJavaOptions' "$ROOT/conf/spark-defaults.conf" \
    | sed -E 's/^\s*spark\.driver\.extraJavaOptions\s+//'
}

run_main() {
  local main="$1"; shift
  ensure_built
  local log="-Dlog4j.configurationFile=$ROOT/conf/log4j2.properties"
  # The job's --master also goes to the submission code, which otherwise fixes the master
  # itself; SPARSEVD_SUBMIT_ARGS adds any other spark-submit option (--deploy-mode, --conf ...).
  local master=() args=("$@") i
  for ((i = 0; i < ${#args[@]} - 1; i++)); do
    [[ "${args[i]}" == "--master" ]] && master=(--master "${args[i + 1]}")
  done
  # Local mode (no master, the config's default local[*], or local[N], local-cluster[...]) runs
  # on this machine alone: the driver binds to loopback, or to a SPARK_LOCAL_IP already set, and
  # looks no hostname up. Any other master gets no address from here: executors on other hosts
  # must reach the driver at one of its own, which Spark picks (SPARK_LOCAL_IP names it).
  local effective="${master[1]:-$(config_master "${1:-}")}" driver=()
  if [[ -z "$effective" || "$effective" == local* ]]; then
    export SPARK_LOCAL_IP="${SPARK_LOCAL_IP:-127.0.0.1}"
    driver=(spark.driver.host="$SPARK_LOCAL_IP" spark.driver.bindAddress="$SPARK_LOCAL_IP")
  fi
  if command -v spark-submit >/dev/null 2>&1; then
    # --driver-java-options replaces spark.driver.extraJavaOptions, so it carries both.
    # shellcheck disable=SC2086
    exec spark-submit "${master[@]}" "${driver[@]/#/--conf=}" ${SPARSEVD_SUBMIT_ARGS:-} \
      --class "$main" --properties-file "$ROOT/conf/spark-defaults.conf" --load-spark-defaults \
      --driver-java-options "$log $(driver_java_options)" "$JAR" "$@"
  fi
  # Without spark-submit the driver runs in this JVM, so spark.driver.extraJavaOptions is
  # applied here. The job jar and the Spark jars make the same classpath either way.
  # As spark-submit does, the Hadoop and YARN configuration folders go on the classpath: the
  # YARN client finds the resource manager and the default file system there.
  local cp="$JAR:$(cat "$TARGET/spark-classpath.txt")" dir
  for dir in "${SPARK_CONF_DIR:-}" "${HADOOP_CONF_DIR:-}" "${YARN_CONF_DIR:-}"; do
    [[ -n "$dir" ]] && cp="$dir:$cp"
  done
  # shellcheck disable=SC2207
  local jvm=(${SPARSEVD_JAVA_OPTS:--Xmx8g} $(driver_java_options) $(cat "$TARGET/jvm-flags.txt")
    "$log" -Djava.awt.headless=true)
  if (( ${#master[@]} )); then
    # A given master goes through Spark's own submission code (what spark-submit runs), which
    # ships the job jar to the executors of any master: spark://, local-cluster[...], ...
    # shellcheck disable=SC2086
    exec java "${jvm[@]}" -cp "$cp" org.apache.spark.deploy.SparkSubmit "${master[@]}" \
      "${driver[@]/#/--conf=}" ${SPARSEVD_SUBMIT_ARGS:-} --class "$main" \
      --properties-file "$ROOT/conf/spark-defaults.conf" --load-spark-defaults "$JAR" "$@"
  fi
  # Otherwise the job takes its master from its config (default local[*]); spark.jars ships
  # the job jar should that be a cluster.
  # shellcheck disable=SC2046
  exec java "${jvm[@]}" $(spark_defaults_as_props) "${driver[@]/#/-D}" -Dspark.jars="$JAR" \
    -cp "$cp" "$main" "$@"
}
