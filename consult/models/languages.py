from django.db import connection, models
from django.db.models import F, Value
from django.db.models.functions import Coalesce, Collate, NullIf
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from consult.i18n import content_language


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


# Orders names alphabetically, accents after their letter ("Égypte" before "Zambie"), not by
# code point: ICU's root collation on PostgreSQL, one that consult registers on SQLite.
NAME_COLLATIONS = {"postgresql": "und-x-icu", "sqlite": "name_order"}


def name_order(path: str = "", language: str | None = None):
    """Return what orders by the name (at `path`, "region__") in a language, default the active one."""
    name = local_name(path, language)  # English where the language's name is blank, as shown
    collation = NAME_COLLATIONS.get(connection.vendor)
    return Collate(name, collation) if collation else name


def local_name(path: str = "", language: str | None = None):
    """Return the name at `path` in a language (default the active one), English where it is blank."""
    return Coalesce(NullIf(F(path + NamedInLanguages.name_field(language)), Value("")), F(path + "name"))


class NamedQuerySet(models.QuerySet):
    def in_name_order(self, language: str | None = None):
        """Order by the name in `language` (default: the active one), as a reader of it looks for it."""
        return self.order_by(name_order(language=language), "name")


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
    def name_field(language: str | None = None) -> str:
        """Return the field of the name in `language`, default the active one."""
        code = content_language(language or get_language())
        return "name" if code == Language.ENGLISH else f"name_{code}"

    def name_in(self, language: str | None) -> str:
        """Return the name in `language`, or the English one where it has none."""
        return getattr(self, self.name_field(language)) or self.name

    def names(self) -> dict[str, str]:
        """Return the name in each of the six languages, by code."""
        return {code: self.name_in(code) for code in Language.values}
