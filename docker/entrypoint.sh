#!/usr/bin/env bash
# sealer-entrypoint: start the Sealer service (the production image's entry point; it runs the same
# outside a container, which is how the test suite checks it).
#
#   sealer-entrypoint [serve]        check the PKCS#11 module and the PIN, then exec java with the JVM flags
#   sealer-entrypoint healthcheck    GET /q/health/ready on the HTTP port: exit 0 when it answers 200, else 1
#   sealer-entrypoint cli ARGS...    the jar's offline commands (verify, sweep), e.g. `cli verify --help`
#
# Environment (every other setting is a Sealer/Quarkus key as an environment variable, README "Configuration"):
#   SEALER_HSM_LIBRARY    the HSM's PKCS#11 module, supplied by the operator (volume or derived image); required
#   SEALER_HSM_PIN        the token's user PIN, or SEALER_HSM_PIN_FILE: a file holding it (e.g. a mounted Secret)
#   SEALER_HOME           where quarkus-app/ was copied (default /opt/sealer)
#   JAVA                  the java binary (default: $JAVA_HOME/bin/java, else java on PATH)
#   JAVA_OPTS_APPEND      extra JVM options, after the built-in ones
#   QUARKUS_HTTP_PORT     HTTP port (health, metrics; default 8080), also used by healthcheck
#
# Exit codes: 64 configuration error (named on stderr), otherwise the service's own.
set -euo pipefail

SEALER_HOME="${SEALER_HOME:-/opt/sealer}"
JAVA="${JAVA:-${JAVA_HOME:+$JAVA_HOME/bin/}java}"
HTTP_PORT="${QUARKUS_HTTP_PORT:-8080}"
# The flags the service needs (docs: README "Running against an external PostgreSQL and a real HSM"),
# and container-friendly memory and temp-dir settings: /tmp is the only writable path of the image.
JVM_FLAGS=(
  --add-exports=jdk.crypto.cryptoki/sun.security.pkcs11.wrapper=ALL-UNNAMED
  --enable-native-access=ALL-UNNAMED
  -XX:MaxRAMPercentage=75.0
  -XX:+ExitOnOutOfMemoryError
  -Djava.io.tmpdir=/tmp
  -Dvertx.cacheDirBase=/tmp/vertx-cache
)

die() { echo "sealer-entrypoint: $*" >&2; exit 64; }

check_hsm() {
  [ -n "${SEALER_HSM_LIBRARY:-}" ] || die "SEALER_HSM_LIBRARY is not set: mount your HSM's PKCS#11 module (e.g. at /opt/hsm) and name it"
  [ -f "$SEALER_HSM_LIBRARY" ] || die "PKCS#11 module $SEALER_HSM_LIBRARY not found: mount it (volume) or build a derived image that contains it"
  [ -r "$SEALER_HSM_LIBRARY" ] || die "PKCS#11 module $SEALER_HSM_LIBRARY is not readable by uid $(id -u)"
  if [ -z "${SEALER_HSM_PIN:-}" ]; then
    [ -n "${SEALER_HSM_PIN_FILE:-}" ] || die "no HSM PIN: set SEALER_HSM_PIN or SEALER_HSM_PIN_FILE (a file holding the PIN, e.g. a mounted Secret)"
    [ -r "$SEALER_HSM_PIN_FILE" ] || die "HSM PIN file $SEALER_HSM_PIN_FILE is not readable by uid $(id -u)"
  fi
}

healthcheck() {
  # bash's /dev/tcp: the runtime image has no curl
  local status
  exec 3<>"/dev/tcp/127.0.0.1/$HTTP_PORT" || return 1
  printf 'GET /q/health/ready HTTP/1.0\r\nHost: localhost\r\n\r\n' >&3
  IFS= read -r -t 5 status <&3 || return 1
  exec 3<&-
  case "$status" in
    "HTTP/1."?" 200"*) return 0 ;;
    *) echo "sealer-entrypoint: readiness answered: ${status%$'\r'}" >&2; return 1 ;;
  esac
}

jar="$SEALER_HOME/quarkus-app/quarkus-run.jar"
cmd="${1:-serve}"; [ $# -gt 0 ] && shift
case "$cmd" in
  serve)
    [ -f "$jar" ] || die "$jar not found (SEALER_HOME=$SEALER_HOME)"
    check_hsm
    export SEALER_HSM_LIBRARY
    opts=()
    [ -n "${SEALER_HSM_PIN_FILE:-}" ] && opts+=("-Dsealer.hsm.pin-file=$SEALER_HSM_PIN_FILE")
    # shellcheck disable=SC2206  # JAVA_OPTS_APPEND is a list of options, split on spaces on purpose
    extra=(${JAVA_OPTS_APPEND:-})
    exec "$JAVA" "${JVM_FLAGS[@]}" "${opts[@]}" "${extra[@]}" -jar "$jar" serve "$@" ;;
  healthcheck)
    healthcheck ;;
  cli)
    [ -f "$jar" ] || die "$jar not found (SEALER_HOME=$SEALER_HOME)"
    exec "$JAVA" "${JVM_FLAGS[@]}" -jar "$jar" "$@" ;;
  *) die "unknown command '$cmd' (serve, healthcheck, cli)" ;;
esac
