"""Entry of the vzdump stand-in: ``bin/vzdump`` runs ``python3 -S`` on this file (code: vzemu/vzdump.py)."""
import vzemu.cli
import vzemu.vzdump

if __name__ == "__main__":
    vzemu.cli.run("vzdump", vzemu.vzdump.vzdump_main)
