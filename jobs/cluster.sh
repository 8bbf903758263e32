#!/usr/bin/env bash
# A real Spark standalone cluster from the Maven-resolved jars, no Spark download:
#   jobs/cluster.sh start [WORKERS] [--host ADDR]
#       master on spark://ADDR:7077 (ADDR: 127.0.0.1) and WORKERS workers (2) on ADDR, each its
#       own JVM with 1 core and SPARSEVD_WORKER_MEMORY (2g)
#   jobs/cluster.sh worker --master spark://M:7077 [--host ADDR]
#       one more worker on this machine for the master at M (on this or another host), bound
#       to ADDR (an address of this host that the master and the driver reach; without it,
#       SPARK_LOCAL_IP or the address Spark picks)
#   jobs/cluster.sh prepare           builds the job jar and the Spark home the others start
#       from (they do it themselves when needed; this is for hosts that start them offline)
#   jobs/cluster.sh status            which of them are running
#   jobs/cluster.sh stop              stops them
# The pid files and logs live in SPARSEVD_CLUSTER_DIR (target/cluster).
# Then: jobs/train.sh CONFIG --master spark://ADDR:7077 --output DIR
source "$(dirname "$0")/common.sh"
HOME_DIR="$TARGET/spark-home"
RUN_DIR="${SPARSEVD_CLUSTER_DIR:-$TARGET/cluster}"

prepare_home() {
  ensure_built
  if [[ ! -d "$HOME_DIR/jars" || "$TARGET/.jobs-built" -nt "$HOME_DIR/jars" ]]; then
    rm -rf "$HOME_DIR" && mkdir -p "$HOME_DIR/jars"
    # The provided dependencies, Spark and Hadoop, are the cluster's Spark installation.
    (cd "$ROOT" && mvn -q -B dependency:copy-dependencies -DincludeScope=provided \
      -DoutputDirectory="$HOME_DIR/jars") >&2
  fi
  mkdir -p "$RUN_DIR"
  export SPARK_HOME="$HOME_DIR" SPARK_SCALA_VERSION=2.13
}

running() {
  [[ -f "$RUN_DIR/$1.pid" ]] && kill -0 "$(cat "$RUN_DIR/$1.pid")" 2>/dev/null
}

# Starts worker N for master $1, bound to $2 when given. The worker passes its environment,
# SPARK_LOCAL_IP included, to the executors it launches.
launch_worker() {
  local master="$1" host="$2" w="$3"
  mkdir -p "$RUN_DIR/work-$w"
  # Started directly (not through a subshell) so that $! is the JVM's pid.
  java -cp "$HOME_DIR/jars/*" org.apache.spark.deploy.worker.Worker ${host:+--host "$host"} \
    --cores 1 --memory "${SPARSEVD_WORKER_MEMORY:-2g}" --webui-port $((18080 + w)) \
    --work-dir "$RUN_DIR/work-$w" "$master" > "$RUN_DIR/worker-$w.log" 2>&1 &
  echo $! > "$RUN_DIR/worker-$w.pid"
}

start() {
  local workers=2 host=127.0.0.1
  while (( $# )); do
    case "$1" in
      --host) host="$2"; shift 2 ;;
      *) workers="$1"; shift ;;
    esac
  done
  prepare_home
  export SPARK_LOCAL_IP="$host"
  local url="spark://$host:7077"
  if ! running master; then
    java -cp "$HOME_DIR/jars/*" org.apache.spark.deploy.master.Master \
      --host "$host" --port 7077 --webui-port 18080 > "$RUN_DIR/master.log" 2>&1 &
    echo $! > "$RUN_DIR/master.pid"
    echo "$url" > "$RUN_DIR/master.url"
  fi
  for ((w = 1; w <= workers; w++)); do
    running "worker-$w" || launch_worker "$url" "$host" "$w"
  done
  # The master answers once its RPC port is open; workers register within a few seconds.
  for _ in $(seq 1 60); do
    (( $(grep -c "Registering worker" "$RUN_DIR/master.log" 2>/dev/null || true) >= workers )) && break
    sleep 0.5
  done
  status
}

worker() {
  local master="" host="" w=1
  while (( $# )); do
    case "$1" in
      --master) master="$2"; shift 2 ;;
      --host) host="$2"; shift 2 ;;
      *) usage ;;
    esac
  done
  [[ -n "$master" ]] || usage
  [[ -z "$host" ]] || export SPARK_LOCAL_IP="$host"
  prepare_home
  while running "worker-$w"; do w=$((w + 1)); done
  launch_worker "$master" "$host" "$w"
  for _ in $(seq 1 60); do
    grep -q "Successfully registered with master" "$RUN_DIR/worker-$w.log" 2>/dev/null && break
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
    echo "workers registered with $(cat "$RUN_DIR/master.url" 2>/dev/null):" \
      "$(grep -c 'Registering worker' "$RUN_DIR/master.log")"
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

usage() {
  echo "usage: jobs/cluster.sh start [WORKERS] [--host ADDR]" \
    "| worker --master spark://HOST:PORT [--host ADDR] | prepare | status | stop" >&2
  exit 2
}

case "${1:-}" in
  start) shift; start "$@" ;;
  worker) shift; worker "$@" ;;
  prepare) prepare_home ;;
  status) status ;;
  stop) stop ;;
  *) usage ;;
esac
