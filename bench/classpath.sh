# Sourced by the bench/*.sh scripts: builds the packaged service and the test classes (unless SKIP_BUILD=1) and sets
# OUT (target/bench) and CP, the class path of the benchmark drivers (test classes, main classes, test-scope libraries).
cd "$(dirname "${BASH_SOURCE[0]}")/.."
export JAVA_HOME="${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}"
OUT=target/bench; mkdir -p "$OUT"
if [[ "${SKIP_BUILD:-0}" != 1 ]]; then
  ./mvnw -B -q -o -DskipTests package || ./mvnw -B -q -DskipTests package
  ./mvnw -B -q -o test-compile || ./mvnw -B -q test-compile
fi
CPARGS=(dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile="$OUT/cp.txt")
if [[ ! -s "$OUT/cp.txt" || pom.xml -nt "$OUT/cp.txt" ]]; then
  ./mvnw -B -q -o "${CPARGS[@]}" >/dev/null 2>&1 || ./mvnw -B -q "${CPARGS[@]}" >/dev/null
fi
CP="target/test-classes:target/classes:$(cat "$OUT/cp.txt")"
