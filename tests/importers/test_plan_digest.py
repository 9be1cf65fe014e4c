"""The plan digest a dry run shows is the SHA-256 of the plan as JSON ([kind, creates, updates] per
kind), hashed a record at a time: the same bytes as one json.dumps, never one large string."""

import hashlib
import json
from datetime import date

from importers.pipeline import plan_digest
from registry.services.bulk import Plan
from registry.vocabulary import SHEET_KINDS


def test_the_digest_is_the_plans_json_hashed_whole():
    plans = {kind: Plan(kind) for kind in SHEET_KINDS}
    plans["ip"].creates = [
        (0, {"number": "201710000001.X", "filed_on": date(2017, 1, 2), "title": "一种装置"}),
        (3, {"number": "201710000002.4", "filed_on": None, "title": "另一种"}),
    ]
    plans["tenants"].updates = [(1, {"uscc": "U", "name": "旧名", "version": 2}, {"name": "新名"})]
    expected = hashlib.sha256()
    for kind in SHEET_KINDS:
        updates = [(i, {k: [before.get(k), v] for k, v in diff.items()}) for i, before, diff in plans[kind].updates]
        expected.update(json.dumps([kind, plans[kind].creates, updates], default=str, sort_keys=True).encode())

    assert plan_digest(plans) == expected.hexdigest()
