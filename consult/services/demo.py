"""The demo: the real position paper imported, questions generated, one account per role.

Every step updates in place, so running it again creates nothing twice.
"""

from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from ..models import (
    AnalysisRun,
    CivilSocietyOrganisation,
    CivilSocietyRepresentative,
    Consultation,
    FocalPoint,
    MemberState,
    RegionalCoordinator,
    RegionalGrouping,
    Report,
)
from .accounts import secretariat_group
from .aggregation import aggregates_rebuild
from .demo_responses import demo_responses_generate
from .papers import position_paper_import
from .questions import questions_generate
from .reports.build import reports_request
from .stakeholders import groupings_import_csv, member_states_load
from .themes.analysis import texts_analyse

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
PAPER = FIXTURES / "iom-hld-2013-position-paper.fr.md"
GROUPINGS = FIXTURES / "groupings.csv"
DEMO_SLUG = "hld-2013"


@dataclass
class DemoAccount:
    username: str
    password: str
    role: str


@dataclass
class DemoResult:
    consultation: Consultation
    accounts: list[DemoAccount] = field(default_factory=list)
    lines: list[str] = field(default_factory=list)


def demo_setup() -> DemoResult:
    """Build or refresh the demo consultation, its questions and one account per role."""
    secretariat_group()
    lines = [f"Member states: {member_states_load()}"]
    with GROUPINGS.open(encoding="utf-8") as file:
        lines.append(f"Groupings: {groupings_import_csv(file=file).summary()}")
    consultation = demo_consultation()
    lines.append(f"Position paper: {demo_paper_import(consultation)}")
    lines.append(questions_generate(consultation=consultation).summary())
    accounts = demo_accounts()
    # France and Senegal are left to the demo's focal points, to answer through the site.
    lines.append(demo_responses_generate(consultation=consultation, exclude_iso3=["FRA", "SEN"]).summary())
    lines.append(f"Aggregates: {aggregates_rebuild(consultation=consultation)} figures counted.")
    lines.append(demo_themes(consultation))
    lines.append(demo_reports(consultation))
    return DemoResult(consultation=consultation, accounts=accounts, lines=lines)


def demo_themes(consultation) -> str:
    """Propose themes in the demo's long answers once, for the secretariat to review on the site."""
    if AnalysisRun.objects.filter(consultation=consultation).exists():
        return "Themes: already analysed (analyse again on the Themes page)."
    run = texts_analyse(run=AnalysisRun.objects.create(consultation=consultation))
    questions = run.outcome["questions"]
    themes = sum(question["themes_proposed"] for question in questions)
    return f"Themes: {themes} proposed in the long answers to {len(questions)} questions."


def demo_reports(consultation) -> str:
    """Build the world's and each UN M49 region's summary once, as a web page and a spreadsheet."""
    if consultation.reports.exists():
        return "Reports: already built (build more on the Reports page)."
    regions = [None, *RegionalGrouping.objects.filter(kind=RegionalGrouping.Kind.M49_REGION).order_by("name")]
    secretariat = get_user_model().objects.get(username="secretariat")
    reports = reports_request(
        consultation=consultation, groupings=regions, formats=["html", "xlsx"], language="fr", actor=secretariat
    )
    Report.objects.filter(pk__in=[report.pk for report in reports], grouping=None).update(is_published=True)
    return f"Reports: {len(reports)} built (world and {len(regions) - 1} regions; the world's published)."


def demo_consultation() -> Consultation:
    now = timezone.now()
    consultation, _ = Consultation.objects.update_or_create(
        slug=DEMO_SLUG,
        defaults={
            "title": "Dialogue de haut niveau 2013 : consultation sur les recommandations de l'OIM",
            "language": "fr",
            "description": "Consultation des Etats Membres et de la société civile sur les six domaines "
            "prioritaires de la note de position de l'OIM.",
            "status": Consultation.Status.OPEN,
        },
    )
    if consultation.opens_at is None:
        consultation.opens_at, consultation.closes_at = now, now + timedelta(days=60)
        consultation.save(update_fields=["opens_at", "closes_at"])
    return consultation


def demo_paper_import(consultation) -> str:
    content = PAPER.read_bytes()
    return position_paper_import(consultation=consultation, filename=PAPER.name, content=content).summary()


@transaction.atomic
def demo_accounts() -> list[DemoAccount]:
    accounts = [
        demo_user("secretariat", "Secretariat-demo-2013", "Secretariat officer", "Sara Lindqvist", is_staff=True),
        demo_user("focal.france", "France-demo-2013", "Focal point of France (authorised submitter)", "Fabienne Martin"),
        demo_user("focal.senegal", "Senegal-demo-2013", "Focal point of Senegal (drafter)", "Souleymane Diop"),
        demo_user(
            "cso.rep", "Societe-civile-2013", "Civil society representative (Migrant Voices Network)", "Aminata Ndiaye"
        ),
        demo_user("coordinator.africa", "Afrique-demo-2013", "Regional coordinator for Africa", "Kwame Mensah"),
    ]
    User = get_user_model()
    User.objects.get(username="secretariat").groups.add(secretariat_group())
    demo_roles(User)
    return accounts


def demo_user(username, password, role, name, is_staff=False) -> DemoAccount:
    """Create or refresh a demo account; the person's name is what receipts and histories show."""
    first_name, last_name = name.split(" ", 1)
    user, _ = get_user_model().objects.update_or_create(
        username=username,
        defaults={"email": f"{username}@example.org", "is_staff": is_staff, "first_name": first_name,
                  "last_name": last_name},
    )
    user.set_password(password)
    user.save(update_fields=["password"])
    return DemoAccount(username=username, password=password, role=role)


def demo_roles(User):
    states = MemberState.objects.in_bulk(["FRA", "SEN"], field_name="iso3")
    FocalPoint.objects.update_or_create(
        user=User.objects.get(username="focal.france"), member_state=states["FRA"],
        defaults={"role": FocalPoint.Role.SUBMITTER},
    )
    FocalPoint.objects.update_or_create(
        user=User.objects.get(username="focal.senegal"), member_state=states["SEN"],
        defaults={"role": FocalPoint.Role.DRAFTER},
    )
    organisation, _ = CivilSocietyOrganisation.objects.update_or_create(
        name="Migrant Voices Network",
        defaults={"country": "SN", "type": CivilSocietyOrganisation.Type.MIGRANT, "accreditation": "accredited"},
    )
    CivilSocietyRepresentative.objects.get_or_create(user=User.objects.get(username="cso.rep"), organisation=organisation)
    africa = RegionalGrouping.objects.get(code="m49-002")
    RegionalCoordinator.objects.get_or_create(user=User.objects.get(username="coordinator.africa"), grouping=africa)
