"""Take screenshots of the main pages of the demo, at 1280 px and 375 px, in English and Arabic.

    .venv/bin/python scripts/screenshots.py [--output docs/screenshots] [--only NAME ...]

Builds the demo (as scripts/demo.sh does) in a temporary SQLite database, or in the database of
DATABASE_URL when it is set (an empty one: the demo is built in it), so the demo of db.sqlite3 is
left alone; tasks run in-process. Puts France's position under review with every answer given and
Senegal's draft half answered; serves it with runserver on a free port and opens each page in
headless Chromium (Debian's, or the one in CHROMIUM) as the person who uses it. Pages are cut
at a height (the top of a long page shows its layout) and compressed with pngquant where it is
installed. Writes the PNGs and an index, README.md, into the output folder.
"""

import argparse
import os
import random
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
WIDTHS = {1280: 1600, 375: 2400}  # Width -> the height a screenshot is cut at.
LANGUAGES = ["en", "ar"]
PRACTICE = (
    "La stratégie nationale adoptée en 2012 associe les associations de la diaspora à chaque projet de texte "
    "sur le recrutement ; un comité interministériel se réunit chaque trimestre."
)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--output", type=Path, default=ROOT / "docs" / "screenshots")
    parser.add_argument("--only", nargs="*", help="names of the pages to take (default: all)")
    arguments = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        os.environ.pop("REDIS_URL", None)
        os.environ.setdefault("DATABASE_URL", f"sqlite:///{folder}/demo.sqlite3")
        os.environ["MEDIA_ROOT"] = f"{folder}/media"
        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
        sys.path.insert(0, str(ROOT))
        import django

        django.setup()
        demo = demo_build()
        with served() as base_url:
            taken = screenshots_take(base_url, demo, arguments.output, arguments.only)
        # The index lists every page, also those a run with --only left as they were.
        index_write(arguments.output, [name for name, _username, _path in pages(demo)])
    size = sum(path.stat().st_size for path in arguments.output.glob("*.png"))
    print(f"{len(taken)} screenshots in {arguments.output}, {size / 1e6:.1f} MB")


def demo_build() -> dict:
    """Build the demo, then give France a position under review and Senegal a draft; return the pages' objects."""
    from django.core.management import call_command

    from consult.models import Position

    call_command("migrate", verbosity=0)
    call_command("demo_setup", stdout=open(os.devnull, "w"))
    from django.contrib.auth import get_user_model

    from consult.models import Consultation, MemberState
    from consult.services.positions import position_for
    from consult.services.workflow import position_send_for_review

    consultation = Consultation.objects.get(slug="hld-2013")
    users = {user.username: user for user in get_user_model().objects.all()}
    france = position_for(consultation=consultation, member_state=MemberState.objects.get(iso3="FRA"),
                          actor=users["focal.france"])
    if france.status == Position.Status.DRAFT:
        answers_give(france, users["focal.france"], every_area=True)
        position_send_for_review(position=france, actor=users["focal.france"])
    senegal = position_for(consultation=consultation, member_state=MemberState.objects.get(iso3="SEN"),
                           actor=users["focal.senegal"])
    if not senegal.response.answers.exists():
        answers_give(senegal, users["focal.senegal"], every_area=False)
    submitted = (
        Position.objects.filter(consultation=consultation, member_state__isnull=False, status="submitted")
        .order_by("member_state__name").first()
    )
    return {"consultation": consultation, "france": france, "senegal": senegal, "submitted": submitted,
            "users": users}


def answers_give(position, actor, *, every_area):
    """Answer the required questions (of area 1 only, unless every_area), as a focal point would."""
    from surveys.models import Answer

    rng = random.Random(2013)
    questions = position.response.survey.questions.filter(is_current=True).prefetch_related("choices")
    if not every_area:
        questions = questions.filter(section__code="1")
    for question in questions:
        choices = list(question.choices.all())
        if question.required and choices:
            if every_area or rng.random() < 0.6:
                Answer.objects.create(response=position.response, question=question, choice=rng.choice(choices[:3]))
        elif question.code.endswith("practices") and question.code.startswith("1."):
            Answer.objects.create(response=position.response, question=question, text=PRACTICE)


class served:
    """Serve the demo with runserver on a free port of 127.0.0.1, for as long as the block runs."""

    def __enter__(self):
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            port = probe.getsockname()[1]
        self.server = subprocess.Popen(
            [sys.executable, str(ROOT / "manage.py"), "runserver", "--noreload", f"127.0.0.1:{port}"],
            env=os.environ, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )
        base_url = f"http://127.0.0.1:{port}"
        for _ in range(100):
            try:
                urllib.request.urlopen(base_url + "/accounts/login/", timeout=2)
                return base_url
            except OSError:
                time.sleep(0.2)
        raise RuntimeError("runserver did not answer")

    def __exit__(self, *exc):
        self.server.terminate()
        self.server.wait(timeout=10)


def pages(demo) -> list[tuple[str, str | None, str]]:
    """Return (name, username or None for a visitor, path) of each page shown."""
    from django.urls import reverse

    slug = demo["consultation"].slug
    france, senegal, submitted = demo["france"].pk, demo["senegal"].pk, demo["submitted"].pk

    def at(name, *args):
        return reverse(f"consult:{name}", args=args)

    return [
        ("home", None, "/"),
        ("login", None, reverse("login")),
        ("register-organisation", None, at("organisation-register")),
        ("my-consultations", "focal.france", at("my-consultations")),
        ("position-start", "focal.senegal", at("position-detail", senegal)),
        ("questionnaire", "focal.senegal", at("position-section", senegal, "1")),
        ("questionnaire-missing", "focal.senegal", at("position-section", senegal, "1") + "?check=1"),
        ("send-for-review-incomplete", "focal.senegal", at("position-send-for-review", senegal)),
        ("check-answers", "focal.france", at("position-answers", france)),
        ("submit", "focal.france", at("position-submit", france)),
        ("receipt", "secretariat", at("position-receipt", submitted)),
        ("consultation", "secretariat", at("consultation-detail", slug)),
        ("dashboard", "secretariat", at("dashboard", slug)),
        ("coverage", "secretariat", at("coverage", slug)),
        ("positions", "secretariat", at("position-list", slug)),
        ("position-secretariat", "secretariat", at("position-detail", submitted)),
        ("history", "secretariat", at("position-history", submitted)),
        ("reopen", "secretariat", at("position-reopen", submitted)),
        ("invitations", "secretariat", at("invitation-list", slug)),
        ("invite", "secretariat", at("invitation-create", slug)),
        ("accreditation", "secretariat", at("accreditation-queue")),
        ("audit", "secretariat", at("audit-list")),
        ("reports", "secretariat", at("report-list", slug)),
        ("summary-world", "secretariat", at("summary", slug)),
        ("summary-africa", "coordinator.africa", at("summary", slug, "m49-002")),
        ("themes", "secretariat", at("theme-overview", slug)),
        ("public", None, at("public-consultation", slug)),
    ]


def screenshots_take(base_url, demo, output: Path, only) -> list[tuple[str, str, int, Path]]:
    from playwright.sync_api import sync_playwright

    from tests.chromium import CHROMIUM, CHROMIUM_ARGS

    output.mkdir(parents=True, exist_ok=True)
    taken = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        for language in LANGUAGES:
            for width, height in WIDTHS.items():
                contexts = {}
                for name, username, path in pages(demo):
                    if only and name not in only:
                        continue
                    if username not in contexts:
                        contexts[username] = context_for(browser, base_url, demo, username, language, width)
                    page = contexts[username].new_page()
                    page.goto(base_url + path, wait_until="networkidle")
                    file = output / f"{name}.{language}.{width}.png"
                    full = page.evaluate("() => document.documentElement.scrollHeight")
                    page.screenshot(path=file, full_page=True, clip={"x": 0, "y": 0, "width": width,
                                                                     "height": min(full, height)})
                    page.close()
                    compress(file)
                    taken.append((name, language, width, file))
                for context in contexts.values():
                    context.close()
        browser.close()
    return taken


def context_for(browser, base_url, demo, username, language, width):
    """Open a browser context in the language, logged in as the person (a session made for them)."""
    from django.test import Client

    context = browser.new_context(viewport={"width": width, "height": 900}, locale=language)
    cookies = [{"name": "django_language", "value": language, "url": base_url}]
    if username:
        client = Client()
        client.force_login(demo["users"][username])
        cookies.append({"name": "sessionid", "value": client.cookies["sessionid"].value, "url": base_url})
    context.add_cookies(cookies)
    return context


def compress(file: Path) -> None:
    if shutil.which("pngquant"):
        subprocess.run(["pngquant", "--force", "--skip-if-larger", "--quality=70-90", "--output", str(file), str(file)],
                       check=False)


def index_write(output: Path, names) -> None:
    lines = [
        "# Screenshots",
        "",
        "The demo (`scripts/demo.sh`) at 1280 px and 375 px, in English and Arabic, made by",
        "`scripts/screenshots.py`; long pages are cut at 1,600 px (wide) or 2,400 px (phone).",
        "",
        "| page | English 1280 | English 375 | Arabic 1280 | Arabic 375 |",
        "|---|---|---|---|---|",
    ]
    for name in names:
        cells = [f"[{language} {width}]({name}.{language}.{width}.png)" for language in LANGUAGES for width in WIDTHS]
        lines.append(f"| {name} | " + " | ".join(cells) + " |")
    (output / "README.md").write_text("\n".join(lines) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
