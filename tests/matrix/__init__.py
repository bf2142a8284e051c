"""The ansible-core version matrix: which cores the collection is tested on (cores.py)."""
