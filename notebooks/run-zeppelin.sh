#!/usr/bin/env bash
# Runs the Scala paragraphs of Zeppelin notes as Zeppelin's %spark would, without Zeppelin:
# notebooks/run-zeppelin.sh NOTE.zpln ...   Exits non-zero at the first paragraph that fails.
set -euo pipefail
source "$(dirname "$0")/common.sh"
ensure_tools_built
notebook_java org.sparsevd.notebook.ZeppelinRunner -Dspark.master="${SPARK_MASTER:-local[2]}" \
  -Dspark.driver.host=127.0.0.1 -Dspark.driver.bindAddress=127.0.0.1 -Dspark.ui.enabled=false
exec "${NOTEBOOK_JAVA[@]}" "$@"
