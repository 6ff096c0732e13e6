"""What happens to the org between chaos ticks, through the emulator's control API: edits, new
deals the sync-back rule turns into Tasks, late commits inside and beyond the tick lookback,
deletes, undeletes, purges and poison records. Every change is counted by kind; the final
comparison reads the org itself, not this bookkeeping."""

import random
from collections import Counter
from datetime import date, datetime, timedelta, timezone

POISON_KINDS = ("null_id", "malformed_id", "bad_type", "unpaired_surrogate", "nul_byte")
INSIDE_LOOKBACK = timedelta(minutes=4)
BEYOND_LOOKBACK = timedelta(minutes=25)  # ticks look back 10 minutes behind their mark


def _wire(when: datetime) -> str:
    return when.strftime("%Y-%m-%dT%H:%M:%SZ")


class OrgChanges:
    def __init__(self, control, owner_ids: list[str], seed: int = 11):
        self.control, self.rng, self.owners = control, random.Random(seed), owner_ids
        self.counts: Counter = Counter()
        self.live = {name: [r["Id"] for r in control.records(name) if not r.get("IsDeleted")]
                     for name in ("Opportunity", "Contact", "Account", "Task")}
        # A late commit moves SystemModstamp back only relative to now, never below the
        # record's own last change (Salesforce's row lock orders them): records this run has
        # changed, deleted or undeleted are not picked for one.
        self.touched: set[str] = set()
        self.recycle_bin: list[tuple[str, str]] = []
        self.poisoned: list[tuple[str, str]] = []

    def _pick(self, name: str, fresh: bool = False) -> str:
        ids = self.live[name]
        while True:
            record_id = self.rng.choice(ids)
            if not fresh or record_id not in self.touched:
                return record_id

    def _update(self, name: str, record_id: str, values: dict, kind: str) -> None:
        self.control.update(name, record_id, values)
        self.touched.add(record_id)
        self.counts[kind] += 1

    def round(self, number: int) -> None:
        """One round of changes; deterministic for a seed."""
        rng, now = self.rng, datetime.now(timezone.utc).replace(microsecond=0)
        for _ in range(8):
            self._update("Opportunity", self._pick("Opportunity"),
                         {"Amount": float(rng.randrange(1_000, 900_000)),
                          "NextStep": f"chaos round {number}"}, "edit")
        for _ in range(6):
            self._update("Contact", self._pick("Contact"), {"Title": f"Title {number}"}, "edit")
        for _ in range(2):
            self._update("Account", self._pick("Account"),
                         {"Industry": rng.choice(["Banking", "Retail", "Energy"])}, "edit")
        self._new_deals(number, 2)
        for _ in range(2):
            self._update("Contact", self._pick("Contact", fresh=True),
                         {"LastName": f"Late {number}",
                          "SystemModstamp": _wire(now - INSIDE_LOOKBACK)},
                         "late_commit_inside_lookback")
        for name, field in (("Contact", "Title"), ("Opportunity", "NextStep")):
            self._update(name, self._pick(name, fresh=True),
                         {field: f"late round {number}",
                          "SystemModstamp": _wire(now - BEYOND_LOOKBACK)},
                         "late_commit_beyond_lookback")
        (late,) = self.control.insert("Contact", [{
            "LastName": f"Late insert {number}", "SystemModstamp": _wire(now - BEYOND_LOOKBACK)}])
        self.touched.add(late)
        self.counts["late_commit_beyond_lookback"] += 1
        for name in ("Opportunity", "Contact", "Task"):
            self._delete(name)
        if len(self.recycle_bin) > 3:
            name, record_id = self.recycle_bin.pop(0)
            self.control.undelete(name, record_id)
            self.live[name].append(record_id)
            self.touched.add(record_id)
            self.counts["undelete"] += 1
        if number % 3 == 0:
            name = rng.choice(["Contact", "Task"])
            record_id = self._pick(name)
            self.control.delete(name, record_id, purge=True)
            self.live[name].remove(record_id)
            self.counts["purge"] += 1
        if number % 2 == 1:
            kind = POISON_KINDS[(number // 2) % len(POISON_KINDS)]
            made = self.control.poison("Contact", kind)
            self.poisoned.append(("Contact", made["id"]))
            self.counts[f"poison_{kind}"] += 1
        if number % 4 == 3 and len(self.poisoned) > 1:
            self.fix_poison(1)  # one is fixed while the chaos goes on

    def _new_deals(self, number: int, how_many: int) -> None:
        """Open deals over 400k whose close date passed: the sync-back rule's Tasks."""
        passed = (date.today() - timedelta(days=3)).isoformat()
        ids = self.control.insert("Opportunity", [{
            "Name": f"Chaos deal {number}-{i}", "StageName": "Prospecting",
            "CloseDate": passed, "Amount": 500_000.0, "OwnerId": self.rng.choice(self.owners),
            "AccountId": self._pick("Account")} for i in range(how_many)])
        self.live["Opportunity"] += ids
        self.touched.update(ids)
        self.counts["new_deal"] += how_many

    def _delete(self, name: str) -> None:
        record_id = self._pick(name)
        self.control.delete(name, record_id)
        self.live[name].remove(record_id)
        self.touched.add(record_id)
        self.recycle_bin.append((name, record_id))
        self.counts["delete"] += 1

    def fix_poison(self, how_many: int | None = None) -> None:
        """Fixed in Salesforce: the record reads clean and its SystemModstamp moves."""
        fixing = self.poisoned[:how_many] if how_many else list(self.poisoned)
        for name, record_id in fixing:
            self.control.fix_poison(name, record_id)
            self.poisoned.remove((name, record_id))
            self.counts["poison_fixed"] += 1
