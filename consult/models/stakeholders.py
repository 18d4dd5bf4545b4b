import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from django_countries import countries as all_countries
from django_countries.fields import CountryField

from consult.i18n import content_language, of_phrase

from .languages import NamedInLanguages, NamedQuerySet


class RegionalGrouping(NamedInLanguages):
    """A region or grouping states belong to: UN M49 regions, regional commissions, RCPs..."""

    class Kind(models.TextChoices):
        M49_REGION = "m49_region", _("UN M49 region")
        M49_SUBREGION = "m49_subregion", _("UN M49 sub-region")
        M49_INTERMEDIATE = "m49_intermediate", _("UN M49 intermediate region")
        REGIONAL_COMMISSION = "regional_commission", _("UN regional commission")
        RCP = "rcp", _("Regional consultative process")
        OTHER = "other", _("Other grouping")

    code = models.SlugField(max_length=64, unique=True, help_text='"m49-002", "escwa", "colombo-process".')
    kind = models.CharField(max_length=24, choices=Kind.choices)
    parent = models.ForeignKey("self", on_delete=models.PROTECT, null=True, blank=True, related_name="children")
    members = models.ManyToManyField("MemberState", blank=True, related_name="groupings")

    class Meta:
        ordering = ["kind", "name"]


class MemberStateQuerySet(NamedQuerySet):
    def alpha2_codes(self) -> set[str]:
        """Return the ISO alpha-2 codes of the states' countries, to match organisations by country."""
        return {all_countries.alpha2(iso3) for iso3 in self.values_list("iso3", flat=True)} - {""}


class MemberState(NamedInLanguages):
    """A UN member state, under its UN short name in the six languages ("Republic of Korea")."""

    iso3 = models.CharField("ISO 3166 alpha-3", max_length=3, unique=True)
    m49_code = models.CharField("UN M49 code", max_length=3, unique=True)
    region = models.ForeignKey(RegionalGrouping, on_delete=models.PROTECT, related_name="region_states")
    subregion = models.ForeignKey(RegionalGrouping, on_delete=models.PROTECT, related_name="subregion_states")
    # The article the UN puts before the name, where the language has one: "the", "la", "el".
    article_en = models.CharField(max_length=3, blank=True)
    article_fr = models.CharField(max_length=3, blank=True)
    article_es = models.CharField(max_length=3, blank=True)

    objects = MemberStateQuerySet.as_manager()

    class Meta:
        ordering = ["name"]

    def of_name(self, language: str | None = None) -> str:
        """Return the name as it follows "Government": "of the Republic of Korea", "du Sénégal"."""
        language = content_language(language or get_language())
        article = getattr(self, f"article_{language}", "")
        return of_phrase(self.name_in(language), article=article, language=language)


class CivilSocietyOrganisation(models.Model):
    class Type(models.TextChoices):
        NGO = "ngo", _("Non-governmental organisation")
        DIASPORA = "diaspora", _("Diaspora organisation")
        MIGRANT = "migrant", _("Migrant organisation")
        ACADEMIA = "academia", _("Academia and research")
        PRIVATE_SECTOR = "private_sector", _("Private sector")
        TRADE_UNION = "trade_union", _("Trade union")
        FAITH_BASED = "faith_based", _("Faith-based organisation")
        OTHER = "other", _("Other")

    class Accreditation(models.TextChoices):
        PENDING = "pending", _("Pending")
        ACCREDITED = "accredited", _("Accredited")
        DECLINED = "declined", _("Declined")

    # Addresses the organisation in URLs: ids that cannot be guessed or enumerated.
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    name = models.CharField(max_length=300)
    country = CountryField()
    type = models.CharField(max_length=20, choices=Type.choices)
    website = models.URLField(blank=True)
    accreditation = models.CharField(max_length=10, choices=Accreditation.choices, default=Accreditation.PENDING)
    decline_reason = models.TextField(blank=True)
    contact_name = models.CharField(max_length=200, blank=True)
    email = models.EmailField(blank=True)
    email_confirmed_at = models.DateTimeField(null=True, blank=True)
    possible_duplicate_of = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
        help_text=_("An organisation registered earlier under a similar name in the same country."),
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]
        # Lists by name stop at the first few hundred organisations however many answered.
        indexes = [models.Index(fields=["name"], name="organisation_by_name")]

    def __str__(self):
        return self.name


class FocalPoint(models.Model):
    """A person who acts for a member state; several per state."""

    class Role(models.TextChoices):
        DRAFTER = "drafter", _("Drafter")
        REVIEWER = "reviewer", _("Reviewer")
        SUBMITTER = "submitter", _("Authorised submitter")

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="focal_points")
    member_state = models.ForeignKey(MemberState, on_delete=models.CASCADE, related_name="focal_points")
    role = models.CharField(max_length=10, choices=Role.choices, default=Role.DRAFTER)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "member_state"], name="unique_focal_point")]

    def __str__(self):
        return f"{self.user} ({self.member_state}, {self.get_role_display()})"


class CivilSocietyRepresentative(models.Model):
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="representations")
    organisation = models.ForeignKey(
        CivilSocietyOrganisation, on_delete=models.CASCADE, related_name="representatives"
    )

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "organisation"], name="unique_representative")]

    def __str__(self):
        return f"{self.user} ({self.organisation})"


class RegionalCoordinator(models.Model):
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="coordinations")
    grouping = models.ForeignKey(RegionalGrouping, on_delete=models.CASCADE, related_name="coordinators")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "grouping"], name="unique_coordinator")]

    def __str__(self):
        return f"{self.user} ({self.grouping})"
