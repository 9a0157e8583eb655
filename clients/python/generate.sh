#!/bin/sh
# Regenerates the committed Python stubs of the Sealer gRPC contract with Debian's protoc and
# grpc_python_plugin (packages protobuf-compiler, protobuf-compiler-grpc, libprotobuf-dev):
#
#   ../../proto/sealer/v1/*.proto  ->  src/sealer/v1/{seal,key,log,audit,timestamp,lineage,formats}_pb2.py, *_pb2_grpc.py
#   rpc_status.proto               ->  src/sealer/v1/rpc_status_pb2.py  (google.rpc Status/ErrorInfo)
#
# The stubs are committed so `pip install ./clients/python` needs no compiler. Run this after a
# .proto change and commit the result; the build checks that regenerating gives identical files
# (PythonPackageTest). OUT_DIR (default: src/) lets that check write elsewhere.
# Environment: PROTO_DIR (default: the repository's top-level proto/), PROTOC, GRPC_PYTHON_PLUGIN, OUT_DIR.
set -eu
here="$(cd "$(dirname "$0")" && pwd)"
proto_dir="${PROTO_DIR:-$here/../../proto}"
out_dir="${OUT_DIR:-$here/src}"
protoc="${PROTOC:-protoc}"
plugin="${GRPC_PYTHON_PLUGIN:-/usr/bin/grpc_python_plugin}"
command -v "$protoc" >/dev/null 2>&1 || { echo "generate.sh: protoc not found (apt-get install protobuf-compiler)" >&2; exit 1; }
[ -x "$plugin" ] || { echo "generate.sh: $plugin not found (apt-get install protobuf-compiler-grpc)" >&2; exit 1; }
# google/protobuf/*.proto (timestamp, any) ship with libprotobuf-dev in /usr/include
include=/usr/include
[ -r "$include/google/protobuf/timestamp.proto" ] || { echo "generate.sh: $include/google/protobuf/timestamp.proto not found (apt-get install libprotobuf-dev)" >&2; exit 1; }

# generate into a temporary directory, then move into place, so a concurrent run never sees half a package
tmp="$(mktemp -d "${TMPDIR:-/tmp}/sealer-generate.XXXXXX")"
trap 'rm -rf "$tmp"' EXIT
"$protoc" -I "$proto_dir" -I "$include" --python_out="$tmp" --grpc_out="$tmp" \
  --plugin=protoc-gen-grpc="$plugin" "$proto_dir"/sealer/v1/*.proto
"$protoc" -I "$here" -I "$include" --python_out="$tmp/sealer/v1" "$here/rpc_status.proto"
echo '"""Generated gRPC stubs of the Sealer contract (clients/python/generate.sh)."""' > "$tmp/sealer/__init__.py"
echo '"""Generated from proto/sealer/v1 (clients/python/generate.sh); do not edit."""' > "$tmp/sealer/v1/__init__.py"
mkdir -p "$out_dir/sealer/v1"
for f in "$tmp"/sealer/v1/*.py; do mv -f "$f" "$out_dir/sealer/v1/"; done
mv -f "$tmp/sealer/__init__.py" "$out_dir/sealer/__init__.py"
echo "generate.sh: stubs written to $out_dir/sealer/v1" >&2
