"""The Mixpanel rule ids (docs/rules/mixpanel.md), each named once: steps record these."""

from __future__ import annotations

ID_MERGE_MODE = "MIX-01"  # one mode per project, fixed by the config line
DEVICE_IDS = "MIX-02"  # $device_id on every event, $user_id once identified
SDK_IDENTIFY = "MIX-03"  # identify: $user_id, one $identify; same id: nothing; $device: refused
SDK_ALIAS = "MIX-04"  # alias: one $create_alias, then identify(alias)
SDK_RESET = "MIX-05"  # reset: a new $device_id, no event
SIMPLIFIED_READING = "MIX-06"  # simplified: distinct_id = $user_id, else $device:<device_id>
DEVICE_LINK = "MIX-07"  # simplified: the first event with both ids links the device
IDENTITY_EVENTS_IGNORED = "MIX-08"  # simplified: $identify/$create_alias/$merge do nothing
ONE_USER_PER_CLUSTER = "MIX-09"  # simplified: two user ids never merge
LINKED_DEVICE_STAYS = "MIX-10"  # simplified: a linked device never moves (D-MIX-1)
ORIGINAL_READING = "MIX-11"  # original: only identity events change clusters
IDENTIFY_CRITERIA = "MIX-12"  # original: same ids, non-UUIDv4 $anon_id
ANON_ALREADY_MERGED = "MIX-13"  # original: $anon_id merged with an identified id
ALIAS_AND_MERGE = "MIX-14"  # original: alias once; $merge joins anything
CLUSTER_CAP = "MIX-15"  # original: at most 500 ids in a cluster (D-MIX-2)
RETROACTIVE = "MIX-16"  # merges re-attribute earlier events
REFUSED_IDS = "MIX-17"  # refused distinct-id values; empty = no user; missing
PROFILES = "MIX-18"  # profile updates: no event, not reported
BILLABLE_EVENTS = "MIX-19"  # every ingested event but identity events, opt-ins, session records
HOT_SHARDS = "MIX-20"  # not modelled: events are never renamed
MTU_COUNT = "MIX-21"  # the Enterprise MTU count, for information

CAP = 500  # CLUSTER_CAP: a merge making 501 or more ids is refused; 500 is allowed
