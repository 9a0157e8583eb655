#!/usr/bin/env bash
# Soak (issue 20), outside the test suite: the packaged service on its own SoftHSM2 token and database under mixed load
# (unary seals, a SealStream, Verify, inclusion and consistency proofs) for 30 minutes, a suite rotation every 5 minutes,
# PostgreSQL stopped for 5 s at a third of the run and the HSM token taken away for 5 s at two thirds. Prints a line every
# 10 s and a summary for docs/reliability.md; writes target/bench/soak-*.csv and docs/reliability-soak.png.
# Settings (env or -D via JAVA_OPTS): SOAK_MINUTES (30), SOAK_ROTATE_MINUTES (5), SOAK_SAMPLE_SECONDS (10),
# SOAK_OUTAGE_SECONDS (5), SOAK_SEALERS (4), SOAK_VERIFIERS (2), SOAK_SERVICE_JVM_ARGS. SKIP_BUILD=1 reuses target/.
# Draw the plot again from a run: bench/soak.sh --replot target/bench/soak-RUN.csv target/bench/soak-DATE.txt.
set -euo pipefail
source "$(dirname "$0")/classpath.sh"

exec "$JAVA_HOME/bin/java" -Xmx2g -Djava.awt.headless=true \
  --add-exports=jdk.crypto.cryptoki/sun.security.pkcs11.wrapper=ALL-UNNAMED --enable-native-access=ALL-UNNAMED \
  ${JAVA_OPTS:-} -cp "$CP" dev.sealer.bench.SoakRun "$@" 2>&1 | tee "$OUT/soak-$(date -u +%Y%m%dT%H%M%SZ).txt"
