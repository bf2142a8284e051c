"""Make the collection importable as ansible_collections.openvz.vz for unit tests."""
import os
import sys
import tempfile

_REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))))
# A symlink is enough for imports (only ansible-test insists on a real path).
_ROOT = os.path.join(tempfile.gettempdir(), "openvz-vz-unit-%d" % os.getpid())
_LINK = os.path.join(_ROOT, "ansible_collections", "openvz", "vz")
if not os.path.islink(_LINK):
    os.makedirs(os.path.dirname(_LINK), exist_ok=True)
    os.symlink(_REPO, _LINK)
if _ROOT not in sys.path:
    sys.path.insert(0, _ROOT)
