"""The load generator: virtual respondents submitting over HTTP, run as a process of its own.

    python -m bench.load_client PLAN.json

The plan (written by bench.load) names the site, the respondents with their drafts, the fields
each area page posts, how long to run and how fast the respondents arrive. Each respondent logs
in once with the real login form, then, until the time is up, takes its next draft and:

1. posts the page of the draft's open area with all its questions, as the browser's form does
   (CSRF token, `version` 0 as the page was loaded before its first save, the page's fresh
   `submission_key`, "Save and continue");
2. posts the submit form of the draft, with its own fresh `submission_key`.

(`"submission_keys": false` in the plan posts the forms without keys, as older pages did.)

Redirects are not followed: the page after a redirect only shows the result, which the client
reads from the flash message the redirect left in the `messages` cookie, then drops the cookie
as showing that page would. A submission is accepted when its message is a success and carries
the receipt number.

Prints one JSON object: counts, latencies (per request and per submission), errors split
into 4xx, 5xx, timeouts and connection errors, and the receipts by position.
"""

import asyncio
import base64
import json
import math
import re
import sys
import time
import uuid
import zlib

import aiohttp

SUCCESS = 25
RECEIPT = re.compile(r"\b[A-Z0-9]+-CSO-\d{4}-[A-Z0-9]{6}\b")


class Stats:
    def __init__(self):
        self.request_ms: list[float] = []
        self.submission_ms: list[float] = []
        self.counts = {
            "accepted": 0,
            "page_refused": 0,
            "submit_refused": 0,
            "status_4xx": 0,
            "status_5xx": 0,
            "timeouts": 0,
            "connection_errors": 0,
            "logins_failed": 0,
            "exhausted": 0,
        }
        self.receipts: dict[str, str] = {}
        self.first_errors: list[str] = []
        self.client_cpu = 0.0

    def error(self, kind: str, detail: str) -> None:
        self.counts[kind] += 1
        if len(self.first_errors) < 10:
            self.first_errors.append(f"{kind}: {detail}")


def flash_messages(response) -> list[tuple[int, str]]:
    """Return (level, text) of the messages the response left in Django's signed `messages` cookie."""
    morsel = response.cookies.get("messages")
    if morsel is None or not morsel.value:
        return []
    payload = morsel.value.strip('"').split(":", 1)[0]  # payload:timestamp:signature
    compressed = payload.startswith(".")
    raw = base64.urlsafe_b64decode(payload.lstrip(".") + "=" * (-len(payload.lstrip(".")) % 4))
    data = json.loads(zlib.decompress(raw) if compressed else raw)
    return [(item[2], item[3]) for item in data if isinstance(item, list) and item and item[0] == "__json_message"]


class VirtualRespondent:
    def __init__(self, plan: dict, respondent: dict, stats: Stats):
        self.base = plan["base_url"]
        self.forms = plan["forms"]
        self.timeout = aiohttp.ClientTimeout(total=plan["timeout"])
        self.submission_keys = plan.get("submission_keys", True)
        self.respondent = respondent
        self.stats = stats
        self.session: aiohttp.ClientSession | None = None

    async def open(self) -> bool:
        jar = aiohttp.CookieJar(unsafe=True)  # cookies for 127.0.0.1, an address rather than a name
        connector = aiohttp.TCPConnector(limit=1)
        self.session = aiohttp.ClientSession(
            self.base, cookie_jar=jar, connector=connector, timeout=self.timeout, headers={"Accept-Language": "en"}
        )
        return await self.log_in()

    async def close(self) -> None:
        if self.session is not None:
            await self.session.close()

    def csrf_token(self) -> str:
        cookies = self.session.cookie_jar.filter_cookies(self.base)
        return cookies["csrftoken"].value if "csrftoken" in cookies else ""

    async def log_in(self) -> bool:
        try:
            async with self.session.get("/accounts/login/") as page:
                await page.read()
            form = {
                "username": self.respondent["username"],
                "password": self.respondent["password"],
                "csrfmiddlewaretoken": self.csrf_token(),
            }
            async with self.session.post("/accounts/login/", data=form, allow_redirects=False) as response:
                await response.read()
                if response.status == 302:
                    return True
                self.stats.error("logins_failed", f"{self.respondent['username']}: status {response.status}")
        except (asyncio.TimeoutError, aiohttp.ClientError) as error:
            self.stats.error("logins_failed", f"{self.respondent['username']}: {error!r}")
        return False

    async def run(self, deadline: float) -> None:
        drafts = iter(self.respondent["positions"])
        while time.monotonic() < deadline:
            draft = next(drafts, None)
            if draft is None:
                self.stats.counts["exhausted"] += 1
                return
            await self.submit(*draft)

    async def submit(self, position_id: str, area: str) -> None:
        started = time.perf_counter()
        page = [*self.forms[area], ("version", "0"), ("action", "next"), *self.submission_key()]
        status, _messages = await self.post(f"/positions/{position_id}/areas/{area}/", page)
        if status is None:
            return
        if status != 302:
            self.classify(status, "page_refused", f"area page {position_id}/{area}")
            return
        status, messages = await self.post(f"/positions/{position_id}/submit/", self.submission_key())
        if status is None:
            return
        if status != 302:
            self.classify(status, "submit_refused", f"submit {position_id}")
            return
        level, text = messages[-1] if messages else (0, "")
        receipt = RECEIPT.search(text)
        if level != SUCCESS or receipt is None:
            self.stats.error("submit_refused", f"submit {position_id}: {text[:200]!r}")
            return
        self.stats.counts["accepted"] += 1
        self.stats.receipts[position_id] = receipt.group(0)
        self.stats.submission_ms.append((time.perf_counter() - started) * 1000)

    def submission_key(self) -> list[tuple[str, str]]:
        """Return the hidden key each rendered form carries (a new one per page shown), unless told not to."""
        return [("submission_key", str(uuid.uuid4()))] if self.submission_keys else []

    def classify(self, status: int, refused: str, what: str) -> None:
        kind = "status_5xx" if status >= 500 else "status_4xx" if status >= 400 else refused
        self.stats.error(kind, f"{what}: status {status}")

    async def post(self, path: str, fields: list) -> tuple[int | None, list]:
        """Post the form with the CSRF token; return (status, flash messages), or (None, []) on failure."""
        data = [*fields, ("csrfmiddlewaretoken", self.csrf_token())]
        started = time.perf_counter()
        try:
            async with self.session.post(path, data=data, allow_redirects=False) as response:
                await response.read()
                messages = flash_messages(response)
                status = response.status
        except asyncio.TimeoutError:
            self.stats.error("timeouts", path)
            return None, []
        except aiohttp.ClientError as error:
            self.stats.error("connection_errors", f"{path}: {error!r}")
            return None, []
        self.stats.request_ms.append((time.perf_counter() - started) * 1000)
        # Showing the next page would consume the messages: drop them, so they do not pile up.
        self.session.cookie_jar.clear(lambda morsel: morsel.key == "messages")
        return status, messages


def percentile(values: list[float], fraction: float) -> float | None:
    if not values:
        return None
    # Nearest rank: the smallest value with at least `fraction` of the values at or below it.
    ordered = sorted(values)
    return ordered[max(0, math.ceil(fraction * len(ordered)) - 1)]


async def run(plan: dict) -> dict:
    stats = Stats()
    respondents = [VirtualRespondent(plan, respondent, stats) for respondent in plan["respondents"]]
    # Logging in is not timed: each respondent logs in once, before the load starts.
    logged_in = []
    for batch_start in range(0, len(respondents), 4):
        batch = respondents[batch_start : batch_start + 4]
        results = await asyncio.gather(*(respondent.open() for respondent in batch))
        logged_in += [respondent for respondent, ok in zip(batch, results) if ok]
    ramp = plan["ramp_seconds"]
    started = time.monotonic()
    deadline = started + plan["seconds"]

    async def arrive(index: int, respondent: VirtualRespondent) -> None:
        await asyncio.sleep(ramp * index / max(len(logged_in), 1))
        await respondent.run(deadline)

    cpu = time.process_time()
    await asyncio.gather(*(arrive(index, respondent) for index, respondent in enumerate(logged_in)))
    elapsed = time.monotonic() - started
    stats.client_cpu = time.process_time() - cpu
    for respondent in respondents:
        await respondent.close()
    return report(stats, elapsed, len(logged_in))


def report(stats: Stats, elapsed: float, respondents: int) -> dict:
    return {
        **stats.counts,
        "respondents": respondents,
        "seconds": elapsed,
        "client_cpu_seconds": stats.client_cpu,
        "requests": len(stats.request_ms),
        "accepted_per_second": stats.counts["accepted"] / elapsed if elapsed else 0.0,
        "request_median_ms": percentile(stats.request_ms, 0.5),
        "request_p99_ms": percentile(stats.request_ms, 0.99),
        "request_max_ms": max(stats.request_ms, default=None),
        "submission_median_ms": percentile(stats.submission_ms, 0.5),
        "submission_p99_ms": percentile(stats.submission_ms, 0.99),
        "receipts": stats.receipts,
        "first_errors": stats.first_errors,
    }


def main(argv: list[str]) -> None:
    with open(argv[0], encoding="utf-8") as file:
        plan = json.load(file)
    json.dump(asyncio.run(run(plan)), sys.stdout)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main(sys.argv[1:])
