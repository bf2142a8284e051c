"""Mirror the collection's files into DEST for ansible-test.

ansible-test refuses a symlinked ansible_collections/NS/NAME path, so
sanity runs in a real copy. The copy is synced rather than recreated so
ansible-test's own tests/output (its delegation venv) survives between runs.

Usage: python -m harness.collection_copy DEST
"""

import filecmp
import os
import shutil
import subprocess
import sys
from pathlib import Path

from harness.paths import REPO_ROOT

# Never part of the collection, even when not gitignored.
EXCLUDED_TOP = (".git", ".venv", ".cache", ".ansible", "collections", "tests/output")


def collection_files(root=REPO_ROOT):
    """Tracked plus untracked-but-not-ignored files that still exist."""
    out = subprocess.run(["git", "-C", str(root), "ls-files", "-z", "--cached", "--others",
                          "--exclude-standard"],
                         check=True, capture_output=True).stdout
    files = set()
    for name in out.decode().split("\0"):
        if not name or any(name == ex or name.startswith(ex + "/") for ex in EXCLUDED_TOP):
            continue
        if os.path.lexists(os.path.join(root, name)):
            files.add(name)
    return sorted(files)


def sync(dest, root=REPO_ROOT):
    dest = Path(dest)
    dest.mkdir(parents=True, exist_ok=True)
    wanted = set(collection_files(root))
    for name in wanted:
        src, dst = Path(root) / name, dest / name
        if src.is_symlink() or not dst.is_file() or dst.is_symlink() \
                or not filecmp.cmp(src, dst, shallow=False):
            dst.parent.mkdir(parents=True, exist_ok=True)
            if dst.is_symlink() or dst.exists():
                dst.unlink()
            shutil.copy2(src, dst, follow_symlinks=False)
    _prune(dest, wanted)
    return dest


def _prune(dest, wanted):
    """Remove files (and then-empty dirs) that are no longer in the collection."""
    for dirpath, dirnames, filenames in os.walk(dest, topdown=False):
        rel_dir = os.path.relpath(dirpath, dest)
        if rel_dir == "tests/output" or rel_dir.startswith("tests/output/"):
            continue
        for name in filenames:
            rel = os.path.normpath(os.path.join(rel_dir, name))
            if rel not in wanted:
                os.unlink(os.path.join(dirpath, name))
        for name in dirnames:
            path = os.path.join(dirpath, name)
            if os.path.islink(path):
                rel = os.path.normpath(os.path.join(rel_dir, name))
                if rel not in wanted:
                    os.unlink(path)
            elif not os.listdir(path):
                os.rmdir(path)


def main(argv=None):
    argv = sys.argv[1:] if argv is None else argv
    if len(argv) != 1:
        sys.exit("usage: python -m harness.collection_copy DEST")
    print("collection copy: %s" % sync(argv[0]))


if __name__ == "__main__":
    main()
