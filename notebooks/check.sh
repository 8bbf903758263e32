#!/usr/bin/env bash
# Runs every notebook headless and fails when one fails: the notebook tools' tests, the
# Jupyter notebook through nbconvert (a failing cell fails it), the Zeppelin note through
# run-zeppelin.sh. Executed copies go to target/notebooks/.
set -euo pipefail
source "$(dirname "$0")/common.sh"
OUT="$TARGET/notebooks"
rm -rf "$OUT" && mkdir -p "$OUT"
ensure_tools_built test
"$ROOT/notebooks/install-kernel.sh" --prefix "$OUT/jupyter"
(cd "$ROOT/notebooks" && JUPYTER_PATH="$OUT/jupyter/share/jupyter" "$PYTHON" -m jupyter nbconvert \
  --to notebook --execute --ExecutePreprocessor.timeout=900 --output-dir "$OUT" sparsevd-mnist.ipynb)
(cd "$ROOT/notebooks" && "$ROOT/notebooks/run-zeppelin.sh" sparsevd-mnist.zpln)
echo "notebooks: sparsevd-mnist.ipynb and sparsevd-mnist.zpln ran without errors"
