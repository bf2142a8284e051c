"""Byte-level snapshots of file trees, for "nothing changed" assertions."""

import os
from pathlib import Path


def snapshot_tree(root):
    """path -> bytes (file), str (symlink target) or None (directory).

    Symlinks are recorded, never followed; a missing root gives {}.
    """
    root = Path(root)
    result = {}
    if not root.exists() and not root.is_symlink():
        return result
    if root.is_symlink():
        return {str(root): os.readlink(root)}
    result[str(root)] = None
    for dirpath, dirnames, filenames in os.walk(root):
        for name in sorted(dirnames + filenames):
            path = os.path.join(dirpath, name)
            if os.path.islink(path):
                result[path] = os.readlink(path)
            elif os.path.isdir(path):
                result[path] = None
            elif os.path.isfile(path):
                with open(path, "rb") as handle:
                    result[path] = handle.read()
    return result
