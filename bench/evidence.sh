#!/usr/bin/env bash
# Evidence-package benchmark (issue 14): fills a fresh packaged service with EVIDENCE_SEALS seals (default 1,000,000),
# then MaterializeEvidence p50/p95 for one seal and for a 1,000-seal page, and the offline verification rate of a
# 1,000-seal package against the dual-verify limit measured in the same run. Builds first unless SKIP_BUILD=1
# (bench/classpath.sh). Output: stdout and target/bench/evidence-*.txt.
set -euo pipefail
source "$(dirname "$0")/classpath.sh"
exec "$JAVA_HOME/bin/java" -Xmx2g --add-exports=jdk.crypto.cryptoki/sun.security.pkcs11.wrapper=ALL-UNNAMED --enable-native-access=ALL-UNNAMED \
  -Devidence.seals="${EVIDENCE_SEALS:-1000000}" ${JAVA_OPTS:-} -cp "$CP" dev.sealer.bench.EvidenceBenchmark "$@" 2>&1 \
  | tee "$OUT/evidence-$(date -u +%Y%m%dT%H%M%SZ).txt"
