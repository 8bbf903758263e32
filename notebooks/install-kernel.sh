#!/usr/bin/env bash
# Installs the Jupyter kernel "Java (SparseVD)" (name sparsevd-java): JShell in a JVM whose
# classpath is this project's, built first if needed.
#   notebooks/install-kernel.sh                 for this user (jupyter kernelspec install --user)
#   notebooks/install-kernel.sh --prefix DIR    into DIR/share/jupyter/kernels (then JUPYTER_PATH=DIR/share/jupyter)
set -euo pipefail
source "$(dirname "$0")/common.sh"
where=(--user)
if [[ $# -gt 0 ]]; then
  [[ $# -eq 2 && "$1" == "--prefix" ]] || { echo "usage: $0 [--prefix DIR]" >&2; exit 2; }
  where=(--prefix "$2")
fi
ensure_tools_built
notebook_java org.sparsevd.notebook.JShellKernel
spec="$(mktemp -d)"
trap 'rm -rf "$spec"' EXIT
"$PYTHON" - "$spec/kernel.json" "${NOTEBOOK_JAVA[@]}" <<'PY'
import json, sys
out, argv = sys.argv[1], sys.argv[2:]
json.dump({"argv": argv + ["{connection_file}"], "display_name": "Java (SparseVD)",
           "language": "java", "env": {"SPARK_LOCAL_IP": "127.0.0.1"}},
          open(out, "w"), indent=1)
PY
"$PYTHON" -m jupyter kernelspec install "${where[@]}" --replace --name sparsevd-java "$spec" >&2
echo "installed kernel sparsevd-java (${where[*]})"
