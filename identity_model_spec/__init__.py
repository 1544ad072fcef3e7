"""The identity-model conformance suite.

Runs against any implementation through a small adapter (see ``protocol``):
``pytest --pyargs identity_model_spec -p identity_model_spec.plugin
--identity-impl=package.module:run``.
The oracle (``oracle*``, ``broken/``) never imports ``identity_model``: it is written from the
rule digest alone. Reading cases, matching reports and loading adapters are shared with
``identity-model check`` and live in the library (``identity_model.conformance``).
"""
