"""Meta-tests: the conformance suite passes on the oracle and fails on every broken adapter."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).parents[1]

BROKEN = [
    "identity_model_spec.broken.server:merges_identified_persons",
    "identity_model_spec.broken.server:string_false_is_personless",
    "identity_model_spec.broken.server:no_illegal_guard",
    "identity_model_spec.broken.server:no_force_upgrade",
    "identity_model_spec.broken.server:set_once_overwrites",
    "identity_model_spec.broken.server:rebills_after_merge",
    "identity_model_spec.broken.server:merged_person_created_later",
    "identity_model_spec.broken.client:identify_always_sends",
    "identity_model_spec.broken.client:capture_flips",
    "identity_model_spec.broken.client:no_dedup",
    "identity_model_spec.broken.client:reset_keeps_distinct_id",
    "identity_model_spec.broken.client:groupidentify_consumes_initial_props",
    "identity_model_spec.broken.sdks:reuses_generated_id",
    "identity_model_spec.broken.sdks:capture_ignores_user_properties",
    "identity_model_spec.broken.customerio:keeps_anonymous_events_forever",
    "identity_model_spec.broken.customerio:merged_events_always_trigger",
    "identity_model_spec.broken.customerio:late_events_merge_forever",
    # --- Amplitude (issue #14) ---
    "identity_model_spec.broken.amplitude:merges_user_ids_sharing_a_device",
    "identity_model_spec.broken.amplitude:recounts_closed_months",
    # --- end Amplitude ---
    "identity_model_spec.broken.segment:ignores_identifier_limit",  # Segment (issue #14)
    "identity_model_spec.broken.segment:counts_every_anonymous_id",  # Segment (issue #14)
    # --- Mixpanel (issue #14) ---
    "identity_model_spec.broken.mixpanel:identify_merges_users",
    "identity_model_spec.broken.mixpanel:no_cluster_cap",
    "identity_model_spec.broken.mixpanel:linked_device_merges_users",
    # --- end Mixpanel ---
]


def run_suite(impl: str, *extra: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            "identity_model_spec",
            f"--identity-impl={impl}",
            "-q",
            "-p",
            "no:cacheprovider",
            *extra,
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )


def test_suite_passes_on_the_oracle() -> None:
    result = run_suite("identity_model_spec.oracle:run")
    assert result.returncode == 0, result.stdout[-3000:]


@pytest.mark.parametrize("impl", BROKEN)
def test_suite_fails_on_a_broken_adapter(impl: str) -> None:
    result = run_suite(impl, "-x")
    assert result.returncode == 1, f"{impl} was not caught:\n{result.stdout[-3000:]}"
    assert "failed" in result.stdout


def test_unknown_adapter_is_a_usage_error() -> None:
    result = run_suite("no.such.module:run")
    assert result.returncode != 0
    assert "cannot import" in result.stdout + result.stderr
