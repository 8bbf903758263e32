#!/usr/bin/env bash
# The engine's SparseVD training step against the same step in PyTorch, single thread each,
# back to back: bench/pytorch/compare.sh BATCH [MNIST_DIR] for LeNet-300-100 at that batch,
# bench/pytorch/compare.sh lenet5 for LeNet-5-Caffe at batch 100 (random images).
# Needs python3-torch and libopenblas0-pthread (Debian); PYTHON names the interpreter that has
# torch (default /usr/bin/python3). OpenBLAS runs without this machine's core-type overrides.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
batch="${1:?usage: bench/pytorch/compare.sh BATCH|lenet5 [MNIST_DIR]}"
mnist="${2:-$root/../shared/data/mnist}"
out="$root/target/bench"
mkdir -p "$out"
torch_env=(env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE OPENBLAS_NUM_THREADS=1 OMP_NUM_THREADS=1)
if [[ "$batch" == lenet5 ]]; then
  "$root/jobs/bench.sh" conv "$out/conv.json" > /dev/null
  "${torch_env[@]}" "${PYTHON:-/usr/bin/python3}" "$here/lenet5_step.py" "$out/pytorch-lenet5.json" \
    > /dev/null
  "${PYTHON:-/usr/bin/python3}" - "$out/conv.json" "$out/pytorch-lenet5.json" <<'PY'
import json, sys
ours, torch = (json.load(open(p)) for p in sys.argv[1:3])
key = "lenet5_train_examples_per_s"
print(json.dumps({
    "batch": torch["batch"],
    "engine_examples_per_s": ours[key],
    "pytorch_examples_per_s": torch[key],
    "engine_over_pytorch": ours[key] / torch[key],
    "engine_conv_gflops": {k: v for k, v in ours.items() if k.endswith("_gflops")},
    "pytorch": torch["torch"] + " on " + torch["blas"],
}, indent=2))
PY
  exit 0
fi
"$root/jobs/bench.sh" engine "$out/engine-b$batch.json" "$mnist" --batch "$batch" > /dev/null
"${torch_env[@]}" "${PYTHON:-/usr/bin/python3}" "$here/lenet300_step.py" "$mnist" "$batch" \
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
