"""A generated, realistic workload: visitors browse anonymously, some sign up (identify),
log in again on a second device, log out; a backend sends events for known users.

Deterministic: the same ``seed`` and ``size`` always give the same script.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from itertools import islice
from typing import Any


def server_workload(size: int, seed: int = 7) -> list[dict[str, Any]]:
    """``size`` ``ingest`` lines as PostHog's pipeline would receive them from SDKs."""
    return list(islice(server_events(seed=seed), size))


def server_events(*, seed: int = 7, visitors: int | None = None) -> Iterator[dict[str, Any]]:
    """The workload as an endless stream. With ``visitors``, visits come from a fixed pool of
    that many visitors (returning visitors re-identify), so distinct ids stop growing."""
    rng = random.Random(seed)
    script: list[dict[str, Any]] = []
    visitor = 0
    users: list[str] = []
    known: set[str] = set()
    personless = {"$process_person_profile": False}
    while True:
        yield from script
        script.clear()
        if visitors is None:
            visitor += 1
        else:
            visitor = rng.randrange(visitors)
        anon = f"anon-{visitor}"
        for _ in range(rng.randint(1, 6)):
            script.append(
                {
                    "op": "ingest",
                    "distinct_id": anon,
                    "event": "$pageview",
                    "properties": personless,
                }
            )
        roll = rng.random()
        if roll < 0.35:
            user = f"user-{visitor}"
            if user not in known:
                known.add(user)
                users.append(user)
            script.append(
                {
                    "op": "ingest",
                    "distinct_id": user,
                    "event": "$identify",
                    "properties": {
                        "$anon_distinct_id": anon,
                        "$set": {"plan": rng.choice(["free", "pro"])},
                        "$set_once": {"first_seen": visitor},
                    },
                }
            )
            for _ in range(rng.randint(1, 8)):
                script.append(
                    {
                        "op": "ingest",
                        "distinct_id": user,
                        "event": "clicked",
                        "properties": {"$set": {"last": rng.randint(0, 9)}},
                    }
                )
        elif roll < 0.45 and users:
            user = rng.choice(users)
            script.append(
                {
                    "op": "ingest",
                    "distinct_id": user,
                    "event": "$identify",
                    "properties": {"$anon_distinct_id": anon},
                }
            )
        elif roll < 0.55 and users:
            script.append(
                {"op": "ingest", "distinct_id": rng.choice(users), "event": "order placed"}
            )
        elif roll < 0.58 and len(users) > 1:
            script.append(
                {
                    "op": "ingest",
                    "distinct_id": rng.choice(users),
                    "event": "$merge_dangerously",
                    "properties": {"alias": rng.choice(users)},
                }
            )
