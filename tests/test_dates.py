"""Dates and times read in each language's order: day first everywhere, never the United States' order."""

from datetime import UTC, datetime

import pytest
from django import forms
from django.conf import settings
from django.urls import reverse
from django.utils import formats, translation

from consult.models import Position
from consult.services.positions import position_for

MOMENT = datetime(2026, 5, 12, 14, 30, tzinfo=UTC)


@pytest.mark.parametrize(
    ("language", "long", "short"),
    [
        ("en", "12 May 2026, 14:30", "12/05/2026 14:30"),
        ("fr", "12 mai 2026 14:30", "12/05/2026 14:30"),
        ("es", "12 de mayo de 2026 a las 14:30", "12/05/2026 14:30"),
        ("ru", "12 мая 2026 г. 14:30", "12.05.2026 14:30"),
        ("ar", "12 مايو 2026، 14:30", "12/05/2026 14:30"),
        ("zh-hans", "2026年5月12日 14:30", "2026年5月12日 14:30"),
    ],
)
def test_dates_are_written_day_first_in_every_language(language, long, short):
    with translation.override(language):
        assert formats.date_format(MOMENT, "DATETIME_FORMAT") == long
        assert formats.date_format(MOMENT, "SHORT_DATETIME_FORMAT") == short


@pytest.mark.parametrize("language", ["en", "ar", "fr"])
def test_a_typed_date_reads_day_first(language):
    with translation.override(language):
        assert forms.DateField().clean("12/05/2026").month == 5


def test_the_receipt_dates_the_submission_in_the_page_language(client, officer, consultation, france):
    position = position_for(consultation=consultation, member_state=france)
    Position.objects.filter(pk=position.pk).update(status=Position.Status.SUBMITTED, submitted_at=MOMENT,
                                                   receipt_number="HLD-FRA-2026-7KQ2M9")
    client.force_login(officer)
    for language, date in [("fr", "12 mai 2026"), ("en", "12 May 2026")]:
        client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
        page = client.get(reverse("consult:position-receipt", args=[position.pk])).content.decode()
        assert date in page and "05/12/2026" not in page
