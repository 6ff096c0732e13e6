"""Live mode: the org keeps changing at a set rate, so the 10-minute schedule always has work.

Each change is one of the things a sales team does all day: move a deal to another stage, log a
task, send an email, or delete a record. Changes go through the store, so SystemModstamp and
the derived fields move exactly as for any other write.
"""

import random
import threading

from ..org.store import quote

CHANGES = ("stage_change", "stage_change", "new_task", "new_email", "amount_change", "delete_task")


class LiveMode:
    def __init__(self, store, seed: int = 0):
        self.store = store
        self.rate = 0.0
        self.changes = 0
        self._rng = random.Random(seed)
        self._wake = threading.Event()
        self._thread: threading.Thread | None = None
        self._stopped = False

    def set_rate(self, rate: float) -> None:
        self.rate = max(0.0, rate)
        if self.rate and self._thread is None:
            self._thread = threading.Thread(target=self._run, name="emulator-live", daemon=True)
            self._thread.start()
        self._wake.set()

    def stop(self) -> None:
        """End live mode and wait for a change in progress: the store may be closed next."""
        self._stopped = True
        self._wake.set()
        if self._thread is not None:
            self._thread.join(timeout=30)

    def _run(self) -> None:
        while not self._stopped:
            rate = self.rate  # read once: a new rate (0 included) may arrive during a change
            if not rate:
                self._wake.wait()
                self._wake.clear()
                continue
            self.change_once()
            self._wake.wait(1.0 / rate)
            self._wake.clear()

    def _pick(self, object_name: str, where: str = "") -> str | None:
        clause = f"WHERE {where}" if where else ""
        row = self.store.con.cursor().execute(
            f'SELECT "Id" FROM {quote(object_name)} {clause} USING SAMPLE 1 ROWS').fetchone()
        return row[0] if row else None

    def change_once(self) -> str:
        """Apply one random change and return its kind."""
        kind = self._rng.choice(CHANGES)
        store, objects = self.store, self.store.objects
        opp = self._pick("Opportunity", 'NOT "IsDeleted" AND NOT "IsClosed"')
        if opp is None:
            return "none"
        if kind == "stage_change":
            stages = [s for s, active in store.stages() if active]
            store.update(objects["Opportunity"], opp, {"StageName": self._rng.choice(stages)})
        elif kind == "amount_change":
            store.update(objects["Opportunity"], opp, {"Amount": float(self._rng.randrange(1, 500) * 1000)})
        elif kind == "new_task":
            owner = store.get(objects["Opportunity"], opp)["OwnerId"]
            store.insert(objects["Task"], {"WhatId": opp, "OwnerId": owner, "Subject": "Call",
                                           "Status": "Not Started", "Priority": "Normal",
                                           "TaskSubtype": "Call"})
        elif kind == "new_email":
            store.insert(objects["EmailMessage"], {"RelatedToId": opp, "Subject": "Re: proposal",
                                                   "Status": "3", "Incoming": True,
                                                   "FromAddress": "buyer@example.com",
                                                   "ToAddress": "rep@dealsync.demo",
                                                   "TextBody": "Thanks, let's talk next week.",
                                                   "MessageDate": store.stamp()})
        elif kind == "delete_task":
            task = self._pick("Task", 'NOT "IsDeleted"')
            if task:
                store.delete(objects["Task"], task)
        self.changes += 1
        return kind
