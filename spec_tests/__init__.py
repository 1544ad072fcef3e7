"""The identity-model conformance suite.

Runs against any implementation through a small adapter (see ``protocol``):
``pytest --pyargs spec_tests -p spec_tests.plugin --identity-impl=package.module:run``.
Nothing in this package imports ``identity_model``; the default adapter is only named.
"""
