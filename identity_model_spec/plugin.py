"""The pytest plugin: ``-p identity_model_spec.plugin --identity-impl=package.module:run``.

Adds the ``--identity-impl`` option and the ``identity_impl`` fixture (the adapter under
test), and registers the Hypothesis profiles: ``ci`` (default: deterministic, quick),
``full`` (opt-in, many examples; ``HYPOTHESIS_PROFILE=full`` or ``tox -e full``).
"""

from __future__ import annotations

import os

import pytest
from hypothesis import HealthCheck, Phase, settings

from identity_model_spec.protocol import DEFAULT_IMPL, Adapter, AdapterLoadError, load_adapter

settings.register_profile(
    "ci",
    max_examples=40,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
settings.register_profile(
    "full",
    max_examples=1000,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
settings.register_profile("dev", max_examples=10, deadline=None)
# `tox -e mutation`: deterministic like ci, fewer examples (each surviving mutant reruns them),
# and no shrinking: a mutant needs one failing example, not the smallest (shrinking one can take
# longer than mutmut's time limit).
settings.register_profile(
    "mutation",
    max_examples=15,
    deadline=None,
    derandomize=True,
    database=None,
    phases=(Phase.explicit, Phase.reuse, Phase.generate),
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("identity-model conformance")
    group.addoption(
        "--identity-impl",
        default=DEFAULT_IMPL,
        help="the implementation under test, as package.module:function (default: %(default)s)",
    )


@pytest.fixture(scope="session")
def identity_impl(request: pytest.FixtureRequest) -> Adapter:
    """The adapter named by ``--identity-impl``."""
    spec = str(request.config.getoption("--identity-impl"))
    try:
        return load_adapter(spec)
    except AdapterLoadError as error:
        raise pytest.UsageError(str(error)) from error
