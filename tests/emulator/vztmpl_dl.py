"""Entry of the vztmpl-dl stand-in: ``bin/vztmpl-dl`` runs ``python3 -S`` on this file.

Run as a script, this file's directory (tests/emulator) is ``sys.path[0]``,
so ``vzemu`` imports without help.  The code is in vzemu/vztmpl_dl.py.
"""
import vzemu.cli
import vzemu.vztmpl_dl

if __name__ == "__main__":
    vzemu.cli.run("vztmpl-dl", vzemu.vztmpl_dl.main)
