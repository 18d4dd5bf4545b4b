"""Invitations of focal points: sending, accepting once, expiry, revocation, CSV import, permissions."""

import hashlib
import re
from datetime import timedelta

import pytest
from django.core import mail
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from consult.models import Consultation, FocalPoint, Invitation
from consult.services.invitation_csv import InvitationImportError, invitation_rows_read
from consult.services.invitations import invitation_send
from consult.services.stakeholders import member_states_load

from .factories import make_consultation, make_member_state

PASSWORD = "a long unusual passphrase 42"
SLUG = "hld"  # The consultation the invitations of these tests are for.


@pytest.fixture(autouse=True)
def empty_cache():
    cache.clear()


@pytest.fixture(autouse=True)
def hld(db):
    return make_consultation(slug=SLUG, title="High-Level Dialogue", status=Consultation.Status.OPEN)


def url(name, *args):
    return reverse(f"consult:{name}", args=[SLUG, *args])


def link_in(message):
    return re.search(r"http://testserver(/invitations/[\w-]+/)", message.body).group(1)


def invite(officer, state, email="marie@diplomatie.example", role=FocalPoint.Role.DRAFTER, name="Marie Curie"):
    """Send an invitation as the officer; return the path of the link it e-mailed."""
    invitation_send(
        consultation=Consultation.objects.get(slug=SLUG), member_state=state, email=email, name=name, role=role, invited_by=officer,
        request_base_url="http://testserver",
    )
    return link_in(mail.outbox[-1])


def accept(client, link, password=PASSWORD):
    return client.post(link, {"password1": password, "password2": password})


def test_the_secretariat_invites_one_person_by_email(client, officer, france):
    client.force_login(officer)

    response = client.post(
        url("invitation-create"),
        {"member_state": "FRA", "name": "Marie Curie", "email": "marie@diplomatie.example", "role": "reviewer"},
    )

    assert response.status_code == 302
    [message] = mail.outbox
    assert message.to == ["marie@diplomatie.example"]
    assert "France" in message.subject
    token = link_in(message).split("/")[2]
    invitation = Invitation.objects.get()
    assert invitation.token_hash == hashlib.sha256(token.encode()).hexdigest()
    assert token not in str(Invitation.objects.values().get())
    assert invitation.expires_at > timezone.now() + timedelta(days=13)


def test_following_the_link_sets_the_password_makes_a_focal_point_and_logs_in(client, officer, france):
    link = invite(officer, france, role=FocalPoint.Role.SUBMITTER)
    assert "Choose a password" in client.get(link).content.decode()

    response = accept(client, link)

    assert response.status_code == 302
    assert response["Location"] == reverse("consult:home")
    person = FocalPoint.objects.get(member_state=france, role=FocalPoint.Role.SUBMITTER).user
    assert person.username == "marie@diplomatie.example"
    assert person.check_password(PASSWORD)
    assert response.wsgi_request.user == person
    assert Invitation.objects.get().accepted_at is not None


def test_a_weak_password_is_refused_and_the_link_still_works(client, officer, france):
    link = invite(officer, france)

    response = accept(client, link, password="password")

    assert response.status_code == 200
    assert "too common" in response.content.decode()
    assert not FocalPoint.objects.filter(member_state=france).exists()
    assert Invitation.objects.get().accepted_at is None


def test_a_used_link_says_so_and_creates_nothing_more(client, officer, france):
    link = invite(officer, france)
    accept(client, link)
    client.logout()

    page = client.get(link)
    again = accept(client, link, password="another long passphrase 43")

    assert "already used" in page.content.decode()
    assert "already used" in again.content.decode()
    assert FocalPoint.objects.filter(member_state=france).count() == 1


def test_an_expired_link_says_so_and_sends_a_new_one_on_request(client, officer, france):
    link = invite(officer, france)
    Invitation.objects.update(expires_at=timezone.now() - timedelta(minutes=1))

    page = client.get(link)
    response = client.post(reverse("consult:invitation-request-new", args=[link.split("/")[2]]))

    assert "has expired" in page.content.decode()
    assert "Send me a new link" in page.content.decode()
    assert "A new link was sent" in response.content.decode()
    assert len(mail.outbox) == 2 and mail.outbox[1].to == ["marie@diplomatie.example"]
    assert "newer invitation" in client.get(link).content.decode()
    assert accept(client, link_in(mail.outbox[1])).status_code == 302


def test_a_revoked_link_says_so_and_asks_the_secretariat_once(client, officer, france):
    link = invite(officer, france)
    client.force_login(officer)
    client.post(reverse("consult:invitation-revoke", args=[Invitation.objects.get().pk]))
    client.logout()
    request_new = reverse("consult:invitation-request-new", args=[link.split("/")[2]])

    page = client.get(link)
    asked = client.post(request_new)
    asked_again = client.post(request_new)

    assert "withdrawn by the secretariat" in page.content.decode()
    assert "secretariat was asked" in asked.content.decode()
    assert "already asked" in asked_again.content.decode()
    assert [message.to for message in mail.outbox[1:]] == [[officer.email]]
    assert accept(client, link).status_code == 200
    assert not FocalPoint.objects.filter(member_state=france).exists()


def test_resending_sends_a_new_link_and_retires_the_old(client, officer, france):
    old_link = invite(officer, france)
    client.force_login(officer)

    response = client.post(reverse("consult:invitation-resend", args=[Invitation.objects.get().pk]))

    assert response.status_code == 302
    new_link = link_in(mail.outbox[-1])
    assert new_link != old_link
    client.logout()
    assert "newer invitation" in client.get(old_link).content.decode()
    assert accept(client, new_link).status_code == 302


def test_a_new_invitation_of_the_same_person_revokes_the_unused_one(officer, france):
    invite(officer, france)
    invite(officer, france, email="MARIE@diplomatie.example")

    assert Invitation.objects.filter(revoked_at__isnull=True).count() == 1


def test_a_person_with_an_account_logs_in_first_then_joins_with_it(client, officer, senegal, focal_point_france):
    link = invite(officer, senegal, email=focal_point_france.email, role=FocalPoint.Role.REVIEWER)

    anonymous = client.get(link)
    client.force_login(focal_point_france)
    response = client.post(link)

    assert "log in with it" in anonymous.content.decode()
    assert response.status_code == 302
    assert FocalPoint.objects.get(user=focal_point_france, member_state=senegal).role == FocalPoint.Role.REVIEWER


def csv_upload(text, name="focal-points.csv"):
    return SimpleUploadedFile(name, text.encode(), content_type="text/csv")


def test_a_good_csv_invites_everyone_it_lists(client, officer, france, senegal):
    client.force_login(officer)
    text = (
        "country,name,email,role\n"
        "FRA,Marie Curie,marie@example.org,drafter\n"
        "SN,Awa Diop,awa@example.org,submitter\n"
    )

    response = client.post(url("invitation-import"), {"file": csv_upload(text)})

    assert response.status_code == 302
    assert sorted(message.to[0] for message in mail.outbox) == ["awa@example.org", "marie@example.org"]
    assert Invitation.objects.get(email="awa@example.org").member_state == senegal


def test_a_csv_with_a_bad_line_names_it_and_invites_nobody(client, officer, france, senegal):
    client.force_login(officer)
    text = (
        "country,name,email,role\n"
        "FRA,Marie Curie,marie@example.org,drafter\n"
        "XYZ,Awa Diop,not-an-address,boss\n"
    )

    response = client.post(url("invitation-import"), {"file": csv_upload(text)})

    page = response.content.decode()
    assert response.status_code == 200
    assert "Line 3" in page and "XYZ" in page and "boss" in page
    assert mail.outbox == []
    assert not Invitation.objects.exists()


def test_the_csv_reader_takes_semicolons_and_any_column_order(france):
    text = "\ufeffEmail;Role;Country;Name\nm@example.org;Reviewer;fr;Marie\n"

    rows = invitation_rows_read(text.encode(), states=[france])

    assert rows == [{"member_state": france, "name": "Marie", "email": "m@example.org", "role": "reviewer"}]


@pytest.mark.parametrize(
    "text, problem",
    [
        ("name,email\n", "Line 1: the header"),
        ("country,name,email,role\n", "nobody to invite"),
        ("country,name,email,role\nFRA,Marie\n", "Line 2: expected 4 values"),
        (
            "country,name,email,role\nFRA,A,a@example.org,drafter\nFRA,B,A@example.org,drafter\n",
            "Line 3: A@example.org is listed twice",
        ),
    ],
)
def test_the_csv_reader_explains_what_is_wrong(france, text, problem):
    with pytest.raises(InvitationImportError) as error:
        invitation_rows_read(text.encode(), states=[france])

    assert problem in str(error.value)


def test_names_typed_with_html_are_shown_escaped(client, officer, france):
    invite(officer, france, name="<script>alert(1)</script>")
    client.force_login(officer)

    page = client.get(url("invitation-list")).content.decode()

    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "<script>alert(1)" not in page


def test_the_list_filters_by_state_and_status(client, officer, france, senegal):
    invite(officer, france, email="fr@example.org")
    invite(officer, senegal, email="sn@example.org")
    Invitation.objects.filter(email="sn@example.org").update(expires_at=timezone.now() - timedelta(days=1))
    client.force_login(officer)

    by_state = client.get(url("invitation-list"), {"member_state": "FRA"}).content.decode()
    by_status = client.get(url("invitation-list"), {"status": "expired"}).content.decode()

    assert "fr@example.org" in by_state and "sn@example.org" not in by_state
    assert "sn@example.org" in by_status and "fr@example.org" not in by_status


def secretariat_requests(invitation):
    return [
        ("get", url("invitation-list")),
        ("get", url("invitation-create")),
        ("post", url("invitation-create")),
        ("get", url("invitation-import")),
        ("post", reverse("consult:invitation-resend", args=[invitation.pk])),
        ("post", reverse("consult:invitation-revoke", args=[invitation.pk])),
    ]


def test_only_the_secretariat_manages_invitations(client, officer, france, focal_point_france, outsider):
    invite(officer, france)
    invitation = Invitation.objects.get()
    mail.outbox.clear()

    for method, url in secretariat_requests(invitation):
        assert getattr(client, method)(url).url.startswith(reverse("login")), url
        for person in (focal_point_france, outsider):
            client.force_login(person)
            assert getattr(client, method)(url).status_code == 403, (url, person)
            client.logout()

    assert Invitation.objects.get().revoked_at is None
    assert mail.outbox == []


def test_an_unknown_link_is_not_found(client, db):
    assert client.get(reverse("consult:invitation-accept", args=["x" * 43])).status_code == 404


def test_a_state_can_be_chosen_among_all_states(client, officer):
    make_member_state("MEX")
    client.force_login(officer)

    page = client.get(url("invitation-create"), {"member_state": "MEX"}).content.decode()

    assert '<option value="MEX" selected>Mexico</option>' in page


def test_a_revoked_link_still_asks_the_secretariat_when_the_cache_is_down(client, officer, france, settings, caplog):
    link = invite(officer, france)
    client.force_login(officer)
    client.post(reverse("consult:invitation-revoke", args=[Invitation.objects.get().pk]))
    client.logout()
    request_new = reverse("consult:invitation-request-new", args=[link.split("/")[2]])
    # Nothing listens on port 1: every cache call fails as it does with Redis down.
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache",
                                   "LOCATION": "redis://127.0.0.1:1/0"}}

    asked = client.post(request_new)

    assert asked.status_code == 200
    assert "secretariat was asked" in asked.content.decode()
    assert [message.to for message in mail.outbox[1:]] == [[officer.email]]
    assert "Repeated invitation requests not checked" in caplog.text


def test_invitations_belong_to_their_consultation(client, officer, france, hld):
    other = make_consultation(slug="gfmd", title="Global Forum", status=Consultation.Status.OPEN)
    invite(officer, france, email="hld@example.org")
    client.force_login(officer)
    client.post(
        reverse("consult:invitation-create", args=["gfmd"]),
        {"member_state": "FRA", "name": "Gaston Forum", "email": "gfmd@example.org", "role": "drafter"},
    )

    assert Invitation.objects.get(email="gfmd@example.org").consultation == other
    assert Invitation.objects.get(email="hld@example.org").consultation == hld
    gfmd_list = client.get(reverse("consult:invitation-list", args=["gfmd"])).content.decode()  # Shows "sent".
    hld_list = client.get(url("invitation-list")).content.decode()
    assert "hld@example.org" in hld_list and "gfmd@example.org" not in hld_list
    assert "gfmd@example.org" in gfmd_list and "hld@example.org" not in gfmd_list
    assert "“Global Forum”" in mail.outbox[-1].body


def test_inviting_for_another_consultation_keeps_the_first_invitation_usable(officer, france, hld):
    other = make_consultation(slug="gfmd", status=Consultation.Status.OPEN)
    invite(officer, france)
    invitation_send(
        consultation=other, member_state=france, email="marie@diplomatie.example", name="Marie Curie",
        role=FocalPoint.Role.DRAFTER, invited_by=officer, request_base_url="http://testserver",
    )

    assert Invitation.objects.filter(revoked_at__isnull=True).count() == 2


def test_a_csv_invites_to_the_consultation_it_is_uploaded_for(client, officer, france, hld):
    make_consultation(slug="gfmd", status=Consultation.Status.OPEN)
    client.force_login(officer)

    client.post(
        reverse("consult:invitation-import", args=["gfmd"]),
        {"file": csv_upload("country,name,email,role\nFRA,Fabienne Martin,f@example.org,submitter\n")},
    )

    assert Invitation.objects.get().consultation.slug == "gfmd"


def test_the_invitations_link_opens_the_open_consultation_or_asks_which(client, officer, hld):
    client.force_login(officer)

    assert client.get(reverse("consult:invitation-index")).url == url("invitation-list")
    assert client.get(reverse("consult:invitation-index-create")).url == url("invitation-create")

    make_consultation(slug="gfmd", title="Global Forum", status=Consultation.Status.OPEN)
    page = client.get(reverse("consult:invitation-index-import")).content.decode()
    assert reverse("consult:invitation-import", args=["gfmd"]) in page and url("invitation-import") in page


def test_the_state_list_is_labelled_and_uses_un_official_names(client, officer):
    member_states_load()
    client.force_login(officer)

    page = client.get(url("invitation-create")).content.decode()

    assert re.search(r'<label\s+for="id_member_state"[^>]*>\s*Member state', page)
    assert re.search(r'<select name="member_state"[^>]*id="id_member_state"', page)
    assert ">Republic of Korea</option>" in page and "South Korea" not in page
    assert ">Democratic Republic of the Congo</option>" in page and "DR Congo" not in page
