from django.db import connection, models
from django.db.models.functions import Collate
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _


class Language(models.TextChoices):
    """The six official UN languages (the codes content carries)."""

    ARABIC = "ar", "العربية"
    CHINESE = "zh", "中文"
    ENGLISH = "en", "English"
    FRENCH = "fr", "Français"
    RUSSIAN = "ru", "Русский"
    SPANISH = "es", "Español"


RIGHT_TO_LEFT = {Language.ARABIC}


class Audience(models.TextChoices):
    MEMBER_STATE = "member_state", _("Member states")
    CIVIL_SOCIETY = "civil_society", _("Civil society")


# Django's code for a language where it differs from the one content and reports carry.
INTERFACE_LANGUAGES = {Language.CHINESE: "zh-hans"}


def content_language(code: str | None) -> str:
    """Return the six-language code of a Django or browser language code ("zh-hans" gives "zh")."""
    base = (code or "").replace("_", "-").split("-")[0].lower()
    return base if base in Language.values else Language.ENGLISH


def interface_language(code: str) -> str:
    """Return the Django language code to translate the interface into ("zh" gives "zh-hans")."""
    return INTERFACE_LANGUAGES.get(content_language(code), content_language(code))


class NamedQuerySet(models.QuerySet):
    def in_name_order(self, language: str | None = None):
        """Order by the name in `language` (default: the active one), as a reader of it looks for it."""
        field = NamedInLanguages.name_field(language or get_language())
        if connection.vendor == "postgresql":  # Accents and scripts in alphabetical order, not by code point.
            return self.order_by(Collate(field, "und-x-icu"), "name")
        return self.order_by(field, "name")


class NamedInLanguages(models.Model):
    """A name in the six UN languages: `name` holds the English one, the others stand beside it.

    `str()` gives the name in the active language, so templates, forms and reports built
    inside `translation.override` name it in their language.
    """

    name = models.CharField(_("name (English)"), max_length=200)
    name_ar = models.CharField(_("name (Arabic)"), max_length=200, blank=True)
    name_zh = models.CharField(_("name (Chinese)"), max_length=200, blank=True)
    name_fr = models.CharField(_("name (French)"), max_length=200, blank=True)
    name_ru = models.CharField(_("name (Russian)"), max_length=200, blank=True)
    name_es = models.CharField(_("name (Spanish)"), max_length=200, blank=True)

    objects = NamedQuerySet.as_manager()

    class Meta:
        abstract = True

    def __str__(self):
        return self.name_in(get_language())

    @staticmethod
    def name_field(language: str | None) -> str:
        code = content_language(language)
        return "name" if code == Language.ENGLISH else f"name_{code}"

    def name_in(self, language: str | None) -> str:
        """Return the name in `language`, or the English one where it has none."""
        return getattr(self, self.name_field(language)) or self.name

    def names(self) -> dict[str, str]:
        """Return the name in each of the six languages, by code."""
        return {code: self.name_in(code) for code in Language.values}
