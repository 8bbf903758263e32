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
# The plots must have reached the notebook as inline images, not only been drawn.
"$PYTHON" - "$OUT/sparsevd-mnist.ipynb" <<'PY'
import sys, nbformat
nb = nbformat.read(sys.argv[1], as_version=4)
n = sum("image/png" in o.get("data", {}) for c in nb.cells for o in c.get("outputs", []))
if n < 5:
    sys.exit(f"{sys.argv[1]}: {n} inline PNG images, expected 5")
print(f"{sys.argv[1]}: {n} inline PNG images")
PY
(cd "$ROOT/notebooks" && "$ROOT/notebooks/run-zeppelin.sh" sparsevd-mnist.zpln)
echo "notebooks: sparsevd-mnist.ipynb and sparsevd-mnist.zpln ran without errors"
