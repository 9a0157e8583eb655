#!/usr/bin/env bash
# Evidence-package benchmark (issue 14): fills a fresh packaged service with EVIDENCE_SEALS seals (default 1,000,000),
# then MaterializeEvidence p50/p95 for one seal and for a 1,000-seal page, and the offline verification rate of a
# 1,000-seal package against the dual-verify limit measured in the same run. Uses the classpath bench/run.sh builds
# (run that once, or SKIP_BUILD=0 here). Output: stdout and target/bench/evidence-*.txt.
set -euo pipefail
cd "$(dirname "$0")/.."
export JAVA_HOME="${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}"
OUT=target/bench; mkdir -p "$OUT"
if [[ "${SKIP_BUILD:-0}" != 1 ]]; then
  ./mvnw -B -q -o -DskipTests package || ./mvnw -B -q -DskipTests package
fi
CPARGS=(dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile="$OUT/cp.txt")
if [[ ! -s "$OUT/cp.txt" || pom.xml -nt "$OUT/cp.txt" ]]; then
  ./mvnw -B -q -o "${CPARGS[@]}" >/dev/null 2>&1 || ./mvnw -B -q "${CPARGS[@]}" >/dev/null
fi
CP="target/test-classes:target/classes:$(cat "$OUT/cp.txt")"
exec "$JAVA_HOME/bin/java" -Xmx2g --add-exports=jdk.crypto.cryptoki/sun.security.pkcs11.wrapper=ALL-UNNAMED --enable-native-access=ALL-UNNAMED \
  -Devidence.seals="${EVIDENCE_SEALS:-1000000}" ${JAVA_OPTS:-} -cp "$CP" dev.sealer.bench.EvidenceBenchmark "$@" 2>&1 \
  | tee "$OUT/evidence-$(date -u +%Y%m%dT%H%M%SZ).txt"
