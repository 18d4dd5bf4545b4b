"""The secretariat uploads a paper, sees what was found, then confirms; bad files change nothing."""

from pathlib import Path

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from consult.models import PositionPaper, Recommendation

from .factories import make_consultation

PAPER = Path(__file__).resolve().parent.parent / "consult" / "fixtures" / "iom-hld-2013-position-paper.fr.md"


def upload(client, consultation, name, content):
    url = reverse("consult:paper-upload", args=[consultation.slug])
    return client.post(url, {"file": SimpleUploadedFile(name, content)})


def test_upload_previews_then_confirm_imports(client, officer):
    consultation = make_consultation(language="fr")
    client.force_login(officer)

    response = upload(client, consultation, PAPER.name, PAPER.read_bytes())
    preview = client.get(response["Location"])

    assert response.status_code == 302
    assert preview.status_code == 200
    assert "Améliorer l&#x27;image des migrants dans l&#x27;opinion" in preview.content.decode()
    assert not Recommendation.objects.filter(area__consultation=consultation).exists()

    confirmed = client.post(response["Location"])

    assert confirmed.status_code == 302
    assert Recommendation.objects.filter(area__consultation=consultation).count() == 30


def test_confirming_twice_imports_once(client, officer):
    consultation = make_consultation(language="fr")
    client.force_login(officer)
    preview_url = upload(client, consultation, PAPER.name, PAPER.read_bytes())["Location"]

    client.post(preview_url)
    client.post(preview_url)

    assert Recommendation.objects.filter(area__consultation=consultation).count() == 30
    assert PositionPaper.objects.filter(consultation=consultation, imported_at__isnull=False).count() == 1


def test_a_bad_file_is_refused_with_a_message_and_nothing_saved(client, officer):
    consultation = make_consultation()
    client.force_login(officer)

    for name, content in [("empty.md", b""), ("binary.md", b"\x00\xff\xfe\x01" * 50), ("fake.docx", b"not a zip")]:
        response = upload(client, consultation, name, content)
        assert response.status_code == 200, name
        assert "alert-danger" in response.content.decode(), name

    assert not PositionPaper.objects.exists()


def test_an_unsupported_file_type_is_refused(client, officer):
    consultation = make_consultation()
    client.force_login(officer)

    response = upload(client, consultation, "paper.pdf", b"%PDF-1.4")

    assert "Upload a .md, .txt or .docx file." in response.content.decode()
    assert not PositionPaper.objects.exists()


def test_a_preview_is_only_reachable_through_its_own_consultation(client, officer):
    consultation, other = make_consultation(language="fr"), make_consultation()
    client.force_login(officer)
    paper_id = upload(client, consultation, PAPER.name, PAPER.read_bytes())["Location"].rstrip("/").split("/")[-1]

    response = client.get(reverse("consult:paper-preview", args=[other.slug, paper_id]))

    assert response.status_code == 404
