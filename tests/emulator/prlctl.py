"""Entry of the prlctl stand-in: ``bin-vz7/prlctl`` runs ``python3 -S`` on this file.

Run as a script, this file's directory (tests/emulator) is ``sys.path[0]``,
so ``vzemu`` imports without help.  The code is in vzemu/prlctl.py.
"""
import vzemu.cli
import vzemu.prlctl

if __name__ == "__main__":
    vzemu.cli.run("prlctl", vzemu.prlctl.main)
