#!/usr/bin/env bash
# Train and compare the methods of a comparison config on MNIST:
#   jobs/compare.sh CONFIG [--key value ...] [--overwrite]     (keys: jobs/compare.sh --help)
# Keys the comparison does not know go to its train config, e.g. --epochs 2.
source "$(dirname "$0")/common.sh"
run_main org.sparsevd.cli.Compare "$@"
