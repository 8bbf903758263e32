#!/usr/bin/env bash
# Train a model: jobs/train.sh CONFIG [--key value ...] [--resume] [--overwrite]
source "$(dirname "$0")/common.sh"
run_main org.sparsevd.cli.Train "$@"
