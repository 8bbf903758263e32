#!/usr/bin/env bash
# Benchmarks: jobs/bench.sh engine|conv|spark|matmul|aggregation|score [OUT.json]
source "$(dirname "$0")/common.sh"
case "${1:-}" in
  engine) shift; run_main org.sparsevd.bench.TrainStepBench "$@" ;;
  conv) shift; run_main org.sparsevd.bench.ConvBench "$@" ;;
  spark) shift; run_main org.sparsevd.bench.SparkStepBench "$@" ;;
  matmul) shift; run_main org.sparsevd.bench.MatMulBench "$@" ;;
  aggregation) shift; run_main org.sparsevd.bench.AggregationBench "$@" ;;
  score) shift; run_main org.sparsevd.bench.ScoreBench "$@" ;;
  *) echo "usage: jobs/bench.sh engine|conv|spark|matmul|aggregation|score [OUT.json]" >&2; exit 2 ;;
esac
