"""Entry of the vzctl stand-in: ``bin/vzctl`` runs ``python3 -S`` on this file.

Run as a script, this file's directory (tests/emulator) is ``sys.path[0]``,
so ``vzemu`` imports without help; ``-S`` leaves site-packages out, which the
emulator (standard library only) does not need.  See DESIGN.md.
"""
import vzemu.cli
import vzemu.vzctl

if __name__ == "__main__":
    vzemu.cli.run("vzctl", vzemu.vzctl.main)
