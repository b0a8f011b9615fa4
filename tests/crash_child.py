"""Child process for test_crash.py: answers contest questions until it is killed.

It prints ``WILL <attempt> <question> <options>`` before saving an answer and
``ACK <attempt> <question> <options>`` once the save has returned, flushing each
line, so the parent knows exactly which answers the app acknowledged.
"""

import datetime
import random
import sys
from pathlib import Path

from skillsapp.flows import contest as contest_flow
from skillsapp.storage import open_store


def main() -> None:
    data_dir, contest_id, seed = Path(sys.argv[1]), sys.argv[2], int(sys.argv[3])
    rng = random.Random(seed)
    store = open_store(data_dir)
    now = datetime.datetime.now(datetime.UTC)
    recovery = contest_flow.recover(store, now)
    if recovery.resumable:
        attempt = recovery.resumable[0]
    else:
        contest = store.content.contest(contest_id)
        profile = store.profiles.list()[0]
        registration = store.registrations.for_profile(profile.id, contest_id)
        attempt = contest_flow.start_attempt(
            store, registration, contest, contest.rounds[0], now, seed=seed
        )
    print(f"ATTEMPT {attempt.record.id}", flush=True)
    while True:
        index = rng.randrange(attempt.total)
        size = len(attempt.shown(index).options)
        shown = sorted(rng.sample(range(size), rng.randint(1, 2)))
        own = sorted(attempt.slots[index].option_order[p] for p in shown)
        qid = attempt.slots[index].question_id
        print(f"WILL {attempt.record.id} {qid} {','.join(map(str, own))}", flush=True)
        attempt.answer(index, shown, datetime.datetime.now(datetime.UTC))
        print(f"ACK {attempt.record.id} {qid} {','.join(map(str, own))}", flush=True)


if __name__ == "__main__":
    main()
