#!/usr/bin/env bash
# Lineage benchmark (issue 13): fills a fresh packaged service with LINEAGE_SEALS seals (default 1,000,000), seals a
# 1,000-seal lifecycle graph, then times CreateMetaSeal over it against a plain Seal, GetLineageFile, offline lineage
# verification against one plain seal and against the same seals' dual verification, ListLineage and ListSeals by stage
# and label (p50/p95). Builds first unless SKIP_BUILD=1 (bench/classpath.sh). Output: stdout and target/bench/lineage-*.txt.
set -euo pipefail
source "$(dirname "$0")/classpath.sh"
exec "$JAVA_HOME/bin/java" -Xmx2g --add-exports=jdk.crypto.cryptoki/sun.security.pkcs11.wrapper=ALL-UNNAMED --enable-native-access=ALL-UNNAMED \
  -Dlineage.seals="${LINEAGE_SEALS:-1000000}" ${JAVA_OPTS:-} -cp "$CP" dev.sealer.bench.LineageBenchmark "$@" 2>&1 \
  | tee "$OUT/lineage-$(date -u +%Y%m%dT%H%M%SZ).txt"
