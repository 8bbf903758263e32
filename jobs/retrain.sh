#!/usr/bin/env bash
# Retrain on the newest data partitions and publish if not worse:
#   jobs/retrain.sh RETRAIN_CONFIG [--key value ...]     (keys: jobs/retrain.sh --help)
# Exits 1 when the run failed; its report is in STORE/reports/RUN_ID.json either way.
source "$(dirname "$0")/common.sh"
run_main org.sparsevd.cli.Retrain "$@"
