"""The respondents' and the secretariat's main pages on a wide screen and on a phone, left to right and right to left.

No page scrolls sideways (a long code or table that does not wrap made the submit page 2,925 px
wide), and every radio button sits next to its label (870 px away in Arabic once).
"""

import pytest
from django.urls import reverse

from .conftest import opened_as

pytestmark = pytest.mark.django_db(transaction=True)

# Page -> (who opens it, its address).
PAGES = {
    "questionnaire": ("fp-senegal", lambda world: reverse("consult:position-section", args=[world.senegal.pk, "1"])),
    "questionnaire with what is missing": (
        "fp-senegal", lambda world: reverse("consult:position-section", args=[world.senegal.pk, "1"]) + "?check=1"
    ),
    "position start": ("fp-senegal", lambda world: reverse("consult:position-detail", args=[world.senegal.pk])),
    "send for review incomplete": (
        "fp-senegal", lambda world: reverse("consult:position-send-for-review", args=[world.senegal.pk])
    ),
    "check answers": ("fp-france", lambda world: reverse("consult:position-answers", args=[world.france.pk])),
    "submit": ("fp-france", lambda world: reverse("consult:position-submit", args=[world.france.pk])),
    "receipt": ("fp-mexico", lambda world: reverse("consult:position-receipt", args=[world.mexico.pk])),
    "positions list": ("officer", lambda world: reverse("consult:position-list", args=[world.consultation.slug])),
    "position (secretariat)": ("officer", lambda world: reverse("consult:position-detail", args=[world.mexico.pk])),
    "coverage": ("officer", lambda world: reverse("consult:coverage", args=[world.consultation.slug])),
}
# How far each radio button is from its label, in px: 0 when they touch or overlap.
RADIO_GAPS = """() => [...document.querySelectorAll('input[type=radio]')].map(radio => {
  const label = document.querySelector(`label[for="${CSS.escape(radio.id)}"]`) || radio.closest('label');
  const a = radio.getBoundingClientRect(), b = label.getBoundingClientRect();
  const across = Math.max(0, b.left - a.right, a.left - b.right);
  const down = Math.max(0, b.top - a.bottom, a.top - b.bottom);
  return [label.textContent.trim(), Math.round(Math.hypot(across, down))];
})"""
SIDEWAYS = "() => document.documentElement.scrollWidth - document.documentElement.clientWidth"


@pytest.mark.parametrize("width", [1280, 375])
@pytest.mark.parametrize("language", ["en", "ar"])
def test_no_page_scrolls_sideways_and_radios_sit_by_their_labels(browser, live_server, world, language, width):
    overflowing, far, radios = {}, {}, 0
    pages = {}
    for name, (username, url) in PAGES.items():
        if username not in pages:
            pages[username] = opened_as(browser, live_server, username, language=language, width=width)
        page = pages[username]
        page.goto(url(world))
        assert page.locator("html").get_attribute("dir") == ("rtl" if language == "ar" else "ltr")
        if (sideways := page.evaluate(SIDEWAYS)) > 0:
            overflowing[name] = sideways
        gaps = page.evaluate(RADIO_GAPS)
        radios += len(gaps)
        if distant := [(label, gap) for label, gap in gaps if gap > 40]:
            far[name] = distant
    for page in pages.values():
        page.context.close()

    assert overflowing == {}, f"pages wider than {width} px, by so many px"
    assert far == {}, "radios more than 40 px from their labels"
    assert radios > 50
