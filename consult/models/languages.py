from django.db import models
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
