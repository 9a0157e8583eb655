#!/usr/bin/env bash
# Service benchmark (issue 7): limit, HSM baseline, Sealer over gRPC, storage per seal, JFR profiles, in ONE run.
# Writes the "Service benchmark" section of docs/performance.md and docs/performance-throughput.png; raw log and
# JFR files in target/bench/. ~8-10 minutes with the defaults.
# Settings (env or -D via JAVA_OPTS): BENCH_DURATION (10 s per point), BENCH_WARMUP (3), BENCH_SERVICE_WARMUP (15),
# BENCH_LIMIT_SECONDS (5), BENCH_CONCURRENCY (1,4,16,64), BENCH_INFLIGHT (16 per stream), BENCH_STORAGE_SEALS (100000),
# BENCH_STORAGE_CONCURRENCY (64), BENCH_SUSTAINED_SECONDS (60, batched mode only), BENCH_JFR (true),
# BENCH_SERVICE_JVM_ARGS ("-Xms1g -Xmx2g"). SKIP_BUILD=1 reuses target/.
set -euo pipefail
source "$(dirname "$0")/classpath.sh"

exec "$JAVA_HOME/bin/java" -Xmx2g -Djava.awt.headless=true \
  --add-exports=jdk.crypto.cryptoki/sun.security.pkcs11.wrapper=ALL-UNNAMED --enable-native-access=ALL-UNNAMED \
  ${JAVA_OPTS:-} -cp "$CP" dev.sealer.bench.BenchmarkRun "$@" 2>&1 | tee "$OUT/run-$(date -u +%Y%m%dT%H%M%SZ).txt"
