#!/usr/bin/env bash
# Evaluate a trained model: jobs/evaluate.sh CONFIG --output RUN_DIR [--mc_samples T]
source "$(dirname "$0")/common.sh"
run_main org.sparsevd.cli.Evaluate "$@"
