#!/usr/bin/env bash
# sealer-dev-entrypoint: the dev/demo image's entry point. On the first start it runs the key
# ceremony (keys-ceremony/create-token.sh) on a SoftHSM2 token kept in SEALER_TOKEN_DIR (a volume),
# then starts the service through sealer-entrypoint with that token. Later starts reuse the token.
#
# Environment:
#   SEALER_TOKEN_DIR     token store and PIN files (default /var/lib/sealer/hsm; persist it)
#   SEALER_TOKEN_LABEL   token label (default sealer)
#   SEALER_CEREMONY      the ceremony script (default /opt/sealer/keys-ceremony/create-token.sh)
#   SEALER_ENTRYPOINT    the production entry point (default /usr/local/bin/sealer-entrypoint)
#   SOFTHSM_MODULE       SoftHSM2's PKCS#11 module (default /usr/lib/softhsm/libsofthsm2.so)
# Arguments are passed to sealer-entrypoint (default: serve).
set -euo pipefail

TOKEN_DIR="${SEALER_TOKEN_DIR:-/var/lib/sealer/hsm}"
LABEL="${SEALER_TOKEN_LABEL:-sealer}"
CEREMONY="${SEALER_CEREMONY:-/opt/sealer/keys-ceremony/create-token.sh}"
ENTRYPOINT="${SEALER_ENTRYPOINT:-/usr/local/bin/sealer-entrypoint}"
MODULE="${SOFTHSM_MODULE:-/usr/lib/softhsm/libsofthsm2.so}"

if [ ! -f "$TOKEN_DIR/$LABEL.pin" ]; then
  echo "sealer-dev-entrypoint: first start: key ceremony for token '$LABEL' in $TOKEN_DIR" >&2
  bash "$CEREMONY" --dir "$TOKEN_DIR" --label "$LABEL" --module "$MODULE"
else
  echo "sealer-dev-entrypoint: token '$LABEL' in $TOKEN_DIR exists; no ceremony" >&2
fi

export SOFTHSM2_CONF="$TOKEN_DIR/softhsm2.conf"
export SEALER_HSM_LIBRARY="$MODULE"
export SEALER_HSM_TOKEN_LABEL="$LABEL"
export SEALER_HSM_PIN_FILE="$TOKEN_DIR/$LABEL.pin"
exec "$ENTRYPOINT" "$@"
