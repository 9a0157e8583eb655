"""Generated from proto/sealer/v1 (clients/python/generate.sh); do not edit."""
