"""Entry of the vzpkg stand-in: ``bin/vzpkg`` runs ``python3 -S`` on this file.

Run as a script, this file's directory (tests/emulator) is ``sys.path[0]``,
so ``vzemu`` imports without help.  The code is in vzemu/vzpkg.py.
"""
import vzemu.cli
import vzemu.vzpkg

if __name__ == "__main__":
    vzemu.cli.run("vzpkg", vzemu.vzpkg.main)
