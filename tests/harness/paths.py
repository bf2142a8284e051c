"""Where the repository's parts are, independent of the working directory."""

from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[2]
EMULATOR_DIR = REPO_ROOT / "tests" / "emulator"
EMULATOR_BIN = EMULATOR_DIR / "bin"
# Tools only an OpenVZ 7 host has (prlctl): on PATH for the vz7 flavour alone.
EMULATOR_VZ7_BIN = EMULATOR_DIR / "bin-vz7"
# Tools only a legacy host has (vzdump, vzrestore): on PATH for every flavour but vz7.
EMULATOR_LEGACY_BIN = EMULATOR_DIR / "bin-legacy"
HARNESS_DIR = REPO_ROOT / "tests" / "harness"
CALLBACK_DIR = HARNESS_DIR / "callback_plugins"
# Gitignored; survives between runs so expensive artefacts are built once.
CACHE_DIR = REPO_ROOT / ".cache"
VENV_BIN = REPO_ROOT / ".venv" / "bin"
