"""Deliberately wrong adapters: each gets one documented rule wrong.

The suite must fail against every one of them (``tests/test_broken_adapters.py`` proves it).
They are built on the oracle, so they too never import ``identity_model``.
"""
