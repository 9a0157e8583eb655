#!/usr/bin/env bash
# Time-stamping benchmark (issue 15): timestamps/s through gRPC and the RFC 3161 HTTP transport of a packaged
# service, against the HSM ECDSA P-256 signing limit measured in the same run. ~1.5 minutes with the defaults.
# Settings (JAVA_OPTS): -Dtsa.seconds=5 (per point), -Dtsa.concurrency=1,4,16. SKIP_BUILD=1 reuses target/.
set -euo pipefail
source "$(dirname "$0")/classpath.sh"
exec "$JAVA_HOME/bin/java" -Xmx1g --add-exports=jdk.crypto.cryptoki/sun.security.pkcs11.wrapper=ALL-UNNAMED --enable-native-access=ALL-UNNAMED \
  ${JAVA_OPTS:-} -cp "$CP" dev.sealer.bench.TsaBenchmark "$@" 2>&1 | tee "$OUT/tsa-$(date -u +%Y%m%dT%H%M%SZ).txt"
