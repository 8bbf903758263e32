#!/usr/bin/env bash
# Score a table with a trained model: jobs/score.sh MODEL INPUT OUTPUT [--format parquet|csv|libsvm]
#   [--mc_samples T] [--keep_cols a,b] [--key value ...] [--skip-invalid] [--overwrite]
source "$(dirname "$0")/common.sh"
run_main org.sparsevd.cli.Score "$@"
