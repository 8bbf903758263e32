#!/usr/bin/env bash
# Benchmarks: jobs/bench.sh engine|spark|matmul [OUT.json]
source "$(dirname "$0")/common.sh"
case "${1:-}" in
  engine) shift; run_main org.sparsevd.bench.TrainStepBench "$@" ;;
  spark) shift; run_main org.sparsevd.bench.SparkStepBench "$@" ;;
  matmul) shift; run_main org.sparsevd.bench.MatMulBench "$@" ;;
  *) echo "usage: jobs/bench.sh engine|spark|matmul [OUT.json]" >&2; exit 2 ;;
esac
