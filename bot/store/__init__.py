"""Redis-backed stores: every key and TTL in `keys.py`, one small store per key family."""
