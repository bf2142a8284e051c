"""Root conftest: the harness's hooks and fixtures (see tests/harness/README.md)."""

# pylint: disable=wildcard-import,unused-wildcard-import
from harness.fixtures import *  # noqa: F401,F403
