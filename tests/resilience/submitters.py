"""Respondents submitting through the service layer, in threads of a process of their own.

The process stands for the site's web processes (its own database connections, its own broker:
REDIS_URL), without the cost of HTTP, so that a soak of 10,000 submissions fits in minutes:

    python -m tests.resilience.submitters WORK.json RESULT.json --concurrency 16 --replay-every 20

WORK.json lists [position id, user id] pairs; RESULT.json receives what the respondents saw.
"""

import argparse
import json
import os
import threading

import django


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("work")
    parser.add_argument("result")
    parser.add_argument("--concurrency", type=int, default=16)
    parser.add_argument("--replay-every", type=int, default=20)
    options = parser.parse_args()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    django.setup()
    with open(options.work) as work_file:
        work = json.load(work_file)
    result = submit_all(work, concurrency=options.concurrency, replay_every=options.replay_every)
    with open(options.result, "w") as result_file:
        json.dump(result, result_file)


def submit_all(work, *, concurrency, replay_every) -> dict:
    from django.contrib.auth import get_user_model
    from django.db import connection

    from consult.models import Position
    from consult.services.workflow import position_submit

    users = {user.pk: user for user in get_user_model().objects.filter(pk__in={user for _, user in work})}
    result = {"accepted": 0, "retries": 0, "refused": [], "submitted": []}
    lock = threading.Lock()
    items = iter(enumerate(work))

    def submit(position_id, user) -> str | None:
        """Submit as the respondent would; return why it was refused, or None."""
        try:
            position_submit(position=Position.objects.get(pk=position_id), actor=user)
        except Exception as error:  # noqa: BLE001 - every refusal is reported, whatever it is.
            return repr(error)
        return None

    def run():
        while True:
            with lock:
                item = next(items, None)
            if item is None:
                break
            number, (position_id, user_id) = item
            for attempt in range(2 if number % replay_every == 0 else 1):
                refusal = submit(position_id, users[user_id])
                with lock:
                    if refusal:
                        result["refused"].append([position_id, refusal])
                    elif attempt == 0:
                        result["accepted"] += 1
                        result["submitted"].append(position_id)
                    else:
                        result["retries"] += 1
        connection.close()

    threads = [threading.Thread(target=run) for _ in range(concurrency)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return result


if __name__ == "__main__":
    main()
