#!/usr/bin/env bash
# The engine's SparseVD LeNet-300-100 training step against the same step in PyTorch, single
# thread each, back to back: bench/pytorch/compare.sh BATCH [MNIST_DIR]
# Needs python3-torch and libopenblas0-pthread (Debian); PYTHON names the interpreter that has
# torch (default /usr/bin/python3). OpenBLAS runs without this machine's core-type overrides.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
batch="${1:?usage: bench/pytorch/compare.sh BATCH [MNIST_DIR]}"
mnist="${2:-$root/../shared/data/mnist}"
out="$root/target/bench"
mkdir -p "$out"
"$root/jobs/bench.sh" engine "$out/engine-b$batch.json" "$mnist" --batch "$batch" > /dev/null
env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE OPENBLAS_NUM_THREADS=1 OMP_NUM_THREADS=1 \
  "${PYTHON:-/usr/bin/python3}" "$here/lenet300_step.py" "$mnist" "$batch" \
  "$out/pytorch-b$batch.json" > /dev/null
"${PYTHON:-/usr/bin/python3}" - "$out/engine-b$batch.json" "$out/pytorch-b$batch.json" <<'PY'
import json, sys
ours, torch = (json.load(open(p)) for p in sys.argv[1:3])
print(json.dumps({
    "batch": ours["batch"],
    "engine_examples_per_s": ours["train_examples_per_s"],
    "pytorch_examples_per_s": torch["train_examples_per_s"],
    "engine_over_pytorch": ours["train_examples_per_s"] / torch["train_examples_per_s"],
    "engine_gflops": ours["train_effective_gflops"],
    "pytorch_gflops": torch["train_effective_gflops"],
    "pytorch": torch["torch"] + " on " + torch["blas"],
}, indent=2))
PY
