#!/usr/bin/python3
"""Runs the Sealer client from a clone without installing it: /usr/bin/python3 clients/python/sealer_client.py ARGS.

The client is the package in src/ (installed, it is the `sealer` command: pip install ./clients/python)."""
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "src"))
from sealer_client.client import main  # noqa: E402

if __name__ == "__main__":
    sys.exit(main())
