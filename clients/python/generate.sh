#!/bin/sh
# Generates the Python stubs of the Sealer gRPC contract with Debian's protoc and
# grpc_python_plugin (packages protobuf-compiler, protobuf-compiler-grpc, libprotobuf-dev):
#
#   ../../proto/sealer/v1/*.proto  ->  sealer/v1/{seal,key,log,audit}_pb2.py, *_pb2_grpc.py
#   rpc_status.proto               ->  sealer/v1/rpc_status_pb2.py  (google.rpc Status/ErrorInfo)
#
# The output is generated code: gitignored, never committed. sealer_client.py runs this script
# by itself when the stubs are missing or older than the .proto files.
# Environment: PROTO_DIR (default: the repository's top-level proto/), PROTOC, GRPC_PYTHON_PLUGIN.
set -eu
here="$(cd "$(dirname "$0")" && pwd)"
proto_dir="${PROTO_DIR:-$here/../../proto}"
protoc="${PROTOC:-protoc}"
plugin="${GRPC_PYTHON_PLUGIN:-/usr/bin/grpc_python_plugin}"
command -v "$protoc" >/dev/null 2>&1 || { echo "generate.sh: protoc not found (apt-get install protobuf-compiler)" >&2; exit 1; }
[ -x "$plugin" ] || { echo "generate.sh: $plugin not found (apt-get install protobuf-compiler-grpc)" >&2; exit 1; }
# google/protobuf/*.proto (timestamp, any) ship with libprotobuf-dev in /usr/include
include=/usr/include
[ -r "$include/google/protobuf/timestamp.proto" ] || { echo "generate.sh: $include/google/protobuf/timestamp.proto not found (apt-get install libprotobuf-dev)" >&2; exit 1; }

# generate into a temporary directory, then move into place, so a concurrent run never sees half a package
tmp="$(mktemp -d "$here/.generate.XXXXXX")"
trap 'rm -rf "$tmp"' EXIT
"$protoc" -I "$proto_dir" -I "$include" --python_out="$tmp" --grpc_out="$tmp" \
  --plugin=protoc-gen-grpc="$plugin" "$proto_dir"/sealer/v1/*.proto
"$protoc" -I "$here" -I "$include" --python_out="$tmp/sealer/v1" "$here/rpc_status.proto"
: > "$tmp/sealer/__init__.py"
: > "$tmp/sealer/v1/__init__.py"
mkdir -p "$here/sealer/v1"
for f in "$tmp"/sealer/v1/*.py; do mv -f "$f" "$here/sealer/v1/"; done
mv -f "$tmp/sealer/__init__.py" "$here/sealer/__init__.py"
echo "generate.sh: stubs written to $here/sealer/v1" >&2
