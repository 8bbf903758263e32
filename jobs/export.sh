#!/usr/bin/env bash
# Export a trained model for serving: jobs/export.sh MODEL_DIR --format onnx|csr [--weights dense|sparse] OUT
source "$(dirname "$0")/common.sh"
run_main org.sparsevd.cli.Export "$@"
