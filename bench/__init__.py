"""Benchmarks of eventbot against a real Synapse: `python -m bench [--quick] [--out bench/RESULTS.md]`.

Every measure is taken next to a floor (a minimal matrix-nio echo bot, or a plain client, on the same homeserver in
the same run), so the ratios stay meaningful on a shared machine whose absolute times drift.
"""
