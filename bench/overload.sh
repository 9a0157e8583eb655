#!/usr/bin/env bash
# Overload measurement (issue 20): the unloaded p99 of a unary Seal, then 2,000 callers with one unary Seal in flight
# each for 60 s (a shed caller waits the RetryInfo delay), resident memory before/during/after, and every acknowledged
# seal found in the database. Prints the table for docs/reliability.md and writes docs/reliability-overload.png; raw log
# in target/bench/. ~3 minutes. Settings (env or -D via JAVA_OPTS): OVERLOAD_CALLERS (2000), OVERLOAD_SECONDS (60), OVERLOAD_WARMUP_SECONDS (10), OVERLOAD_CHANNELS (callers / 80), OVERLOAD_SERVICE_CONFIG (k=v,...),
# OVERLOAD_UNLOADED_SECONDS (20), OVERLOAD_AFTER_SECONDS (60), OVERLOAD_SERVICE_JVM_ARGS. SKIP_BUILD=1 reuses target/.
set -euo pipefail
source "$(dirname "$0")/classpath.sh"

exec "$JAVA_HOME/bin/java" -Xmx2g -Djava.awt.headless=true \
  --add-exports=jdk.crypto.cryptoki/sun.security.pkcs11.wrapper=ALL-UNNAMED --enable-native-access=ALL-UNNAMED \
  ${JAVA_OPTS:-} -cp "$CP" dev.sealer.bench.OverloadRun "$@" 2>&1 | tee "$OUT/overload-$(date -u +%Y%m%dT%H%M%SZ).txt"
