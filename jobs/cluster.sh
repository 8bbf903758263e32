#!/usr/bin/env bash
# A real Spark standalone cluster on 127.0.0.1 from the Maven-resolved jars, no Spark download:
#   jobs/cluster.sh start [WORKERS]   master on spark://127.0.0.1:7077 and WORKERS workers (2),
#                                     each its own JVM with 1 core and SPARSEVD_WORKER_MEMORY (2g)
#   jobs/cluster.sh status            which of them are running
#   jobs/cluster.sh stop              stops them
# Then: jobs/train.sh CONFIG --master spark://127.0.0.1:7077 --output DIR
source "$(dirname "$0")/common.sh"
HOME_DIR="$TARGET/spark-home"
RUN_DIR="$TARGET/cluster"
MASTER_URL="spark://127.0.0.1:7077"

prepare_home() {
  ensure_built
  if [[ ! -d "$HOME_DIR/jars" || "$TARGET/.jobs-built" -nt "$HOME_DIR/jars" ]]; then
    rm -rf "$HOME_DIR" && mkdir -p "$HOME_DIR/jars"
    # The provided dependencies, Spark and Hadoop, are the cluster's Spark installation.
    (cd "$ROOT" && mvn -q -B dependency:copy-dependencies -DincludeScope=provided \
      -DoutputDirectory="$HOME_DIR/jars") >&2
  fi
}

running() {
  [[ -f "$RUN_DIR/$1.pid" ]] && kill -0 "$(cat "$RUN_DIR/$1.pid")" 2>/dev/null
}

start() {
  local workers="${1:-2}"
  prepare_home
  mkdir -p "$RUN_DIR"
  export SPARK_HOME="$HOME_DIR" SPARK_SCALA_VERSION=2.13
  if ! running master; then
    # Started directly (not through a subshell) so that $! is the JVM's pid.
    java -cp "$HOME_DIR/jars/*" org.apache.spark.deploy.master.Master --host 127.0.0.1 \
      --port 7077 --webui-port 18080 > "$RUN_DIR/master.log" 2>&1 &
    echo $! > "$RUN_DIR/master.pid"
  fi
  for ((w = 1; w <= workers; w++)); do
    running "worker-$w" && continue
    mkdir -p "$RUN_DIR/work-$w"
    java -cp "$HOME_DIR/jars/*" org.apache.spark.deploy.worker.Worker --host 127.0.0.1 \
      --cores 1 --memory "${SPARSEVD_WORKER_MEMORY:-2g}" --webui-port $((18080 + w)) \
      --work-dir "$RUN_DIR/work-$w" "$MASTER_URL" > "$RUN_DIR/worker-$w.log" 2>&1 &
    echo $! > "$RUN_DIR/worker-$w.pid"
  done
  # The master answers once its RPC port is open; workers register within a few seconds.
  for _ in $(seq 1 60); do
    (( $(grep -c "Registering worker" "$RUN_DIR/master.log" 2>/dev/null || true) >= workers )) && break
    sleep 0.5
  done
  status
}

status() {
  local any=0 f name
  for f in "$RUN_DIR"/*.pid; do
    [[ -e "$f" ]] || continue
    name=$(basename "$f" .pid)
    if running "$name"; then echo "$name: running (pid $(cat "$f"))"; any=1
    else echo "$name: stopped"; fi
  done
  if running master; then
    echo "workers registered with $MASTER_URL: $(grep -c 'Registering worker' "$RUN_DIR/master.log")"
  elif (( ! any )); then
    echo "no cluster running"
  fi
}

stop() {
  local f
  for f in "$RUN_DIR"/*.pid; do
    [[ -e "$f" ]] || continue
    kill "$(cat "$f")" 2>/dev/null || true
    rm -f "$f"
  done
  echo "stopped"
}

case "${1:-}" in
  start) shift; start "$@" ;;
  status) status ;;
  stop) stop ;;
  *) echo "usage: jobs/cluster.sh start [WORKERS] | status | stop" >&2; exit 2 ;;
esac
