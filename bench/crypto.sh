#!/usr/bin/env bash
# Raw crypto limits: JMH over the test classpath. Usage: bench/crypto.sh [extra JMH args]
# Env: FORKS (default 2), WARMUP (3), ITER (3), TIME (2s): ~12 min for all 25 benchmarks. Results: target/bench/*.txt and *.json
set -euo pipefail
cd "$(dirname "$0")/.."
export JAVA_HOME="${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}"
FORKS="${FORKS:-2}"; WARMUP="${WARMUP:-3}"; ITER="${ITER:-3}"; TIME="${TIME:-2s}"
OUT=target/bench; mkdir -p "$OUT"

# offline first; fall back to online once (a fresh ~/.m2 lacks maven-dependency-plugin)
./mvnw -B -q -o test-compile || ./mvnw -B -q test-compile
CPARGS=(dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile="$OUT/cp.txt")
./mvnw -B -q -o "${CPARGS[@]}" >/dev/null 2>&1 || ./mvnw -B -q "${CPARGS[@]}" >/dev/null
CP="target/test-classes:target/classes:$(cat "$OUT/cp.txt")"
NPROC="$(nproc)"
JMH=("$JAVA_HOME/bin/java" -cp "$CP" org.openjdk.jmh.Main -f "$FORKS" -wi "$WARMUP" -i "$ITER" -w "$TIME" -r "$TIME")

echo "== $(date -u +%FT%TZ) nproc=$NPROC cpu=$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | xargs) load: $(cut -d' ' -f1-3 /proc/loadavg)"
# 1. production classes, 1 thread and all cores
"${JMH[@]}" -t 1 -rf json -rff "$OUT/sealer-t1.json" "CryptoBenchmark.sealer_" "$@" | tee "$OUT/sealer-t1.txt"
"${JMH[@]}" -t "$NPROC" -rf json -rff "$OUT/sealer-tmax.json" "CryptoBenchmark.sealer_" "$@" | tee "$OUT/sealer-tmax.txt"
# 2. JDK vs BouncyCastle, 1 thread (the production rows above are the other side of each pair)
"${JMH[@]}" -t 1 -rf json -rff "$OUT/cmp-t1.json" "CryptoBenchmark.cmp_" "$@" | tee "$OUT/cmp-t1.txt"
# 3. sharing a JDK ML-DSA Signature across all cores (sealer_mldsa65_sign at tmax is the pool)
"${JMH[@]}" -t "$NPROC" -rf json -rff "$OUT/conc-tmax.json" "CryptoBenchmark.conc_" "$@" | tee "$OUT/conc-tmax.txt"
echo "== done $(date -u +%FT%TZ) load: $(cut -d' ' -f1-3 /proc/loadavg)"
