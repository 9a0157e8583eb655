import os
import sys

# run from a clone without installing: the package is in ../src (an installed copy is used when present)
try:
    import sealer_client  # noqa: F401
except ImportError:
    sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "src"))
