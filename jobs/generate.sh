#!/usr/bin/env bash
# MNIST-like data as Parquet: jobs/generate.sh OUTPUT EXAMPLES [SEED] [PARTITIONS] [MNIST_DIR]
# (random affine distortions of the MNIST training images; the same seed gives the same files)
source "$(dirname "$0")/common.sh"
run_main org.sparsevd.cli.Generate "$@"
