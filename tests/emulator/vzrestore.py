"""Entry of the vzrestore stand-in: ``bin/vzrestore`` runs ``python3 -S`` on this file (code: vzemu/vzdump.py)."""
import vzemu.cli
import vzemu.vzdump

if __name__ == "__main__":
    vzemu.cli.run("vzrestore", vzemu.vzdump.vzrestore_main)
