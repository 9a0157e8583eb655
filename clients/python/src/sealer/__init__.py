"""Generated gRPC stubs of the Sealer contract (clients/python/generate.sh)."""
