"""Entry of the vzmigrate stand-in: ``bin/vzmigrate`` runs ``python3 -S`` on this file (see DESIGN.md)."""
import vzemu.cli
import vzemu.vzmigrate

if __name__ == "__main__":
    vzemu.cli.run("vzmigrate", vzemu.vzmigrate.main)
