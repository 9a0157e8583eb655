"""Sealer client: seal artifacts over gRPC, verify them online or offline (``sealer_client.offline``)."""

from .client import (Client, SealerError, UsageError, audit_pb2, canonical_json, channel_credentials,  # noqa: F401
                     default_request_id, digest_path, key_pb2, log_pb2, main, parse_stage, seal_pb2)

__version__ = "0.1.0"
