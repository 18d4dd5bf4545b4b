"""A consultation under way, with something on every page a respondent or the secretariat uses.

Shared by the accessibility test and the journeys: France's position is under review with every
required answer given, Senegal's a draft, Mexico's submitted with a receipt; two more states and
two dozen organisations answered (the figures are counted); an invitation is pending and an
organisation waits for accreditation.
"""

from dataclasses import dataclass

from django.core import mail
from django.utils import timezone

from config.celery import app

from consult.models import AnalysisRun, CivilSocietyOrganisation, Consultation, FocalPoint, Position, Report
from consult.services.aggregation import aggregates_rebuild
from consult.services.demo_responses import demo_responses_generate
from consult.services.invitations import invitation_send
from consult.services.positions import position_for
from consult.services.reports.build import reports_request
from consult.services.themes.analysis import texts_analyse
from consult.services.workflow import position_send_for_review, position_submit
from surveys.models import Answer

from ..factories import make_member_state, make_organisation, make_user

PRACTICE = (
    "Our national migration strategy, adopted in 2012, commits every ministry to consult diaspora "
    "associations before new rules on recruitment are drafted."
)


@dataclass
class UnderWay:
    consultation: Consultation
    france: Position
    senegal: Position
    mexico: Position
    invitation_link: str


def answer_every_required(position, actor=None):
    for required in position.response.survey.questions.filter(is_current=True, required=True):
        Answer.objects.create(response=position.response, question=required, choice=required.choices.first())
    practice = position.response.survey.questions.filter(is_current=True, code="1.1-practices").first()
    if practice:
        Answer.objects.create(response=position.response, question=practice, text=PRACTICE)


def submitter_of(state, username):
    user = make_user(username, first_name="Mateo", last_name="Ruiz")
    FocalPoint.objects.create(user=user, member_state=state, role=FocalPoint.Role.SUBMITTER)
    return user


def consultation_under_way(*, consultation, officer, focal_point_france, focal_point_senegal, base_url) -> UnderWay:
    france, senegal, mexico = (make_member_state(iso3) for iso3 in ("FRA", "SEN", "MEX"))
    make_member_state("PHL"), make_member_state("JOR")

    in_review = position_for(consultation=consultation, member_state=france, actor=focal_point_france)
    answer_every_required(in_review)
    in_review = position_send_for_review(position=in_review, actor=focal_point_france)

    draft = position_for(consultation=consultation, member_state=senegal, actor=focal_point_senegal)
    first_required = draft.response.survey.questions.filter(is_current=True, required=True).first()
    Answer.objects.create(response=draft.response, question=first_required, choice=first_required.choices.first())

    mexican = submitter_of(mexico, "fp-mexico")
    submitted = position_for(consultation=consultation, member_state=mexico, actor=mexican)
    answer_every_required(submitted)
    submitted = position_send_for_review(position=submitted, actor=mexican)
    submitted = position_submit(position=submitted, actor=mexican, on_behalf_confirmed=True)

    demo_responses_generate(consultation=consultation, states=2, organisations=24, exclude_iso3=["FRA", "SEN", "MEX"])
    aggregates_rebuild(consultation=consultation)

    invitation_send(consultation=consultation, member_state=senegal, email="awa.ndiaye@gouv.example",
                    name="Awa Ndiaye", role=FocalPoint.Role.REVIEWER, invited_by=officer, request_base_url=base_url)
    link = next(word for word in mail.outbox[-1].body.split() if "/invitations/" in word)
    make_organisation(name="Association des Sénégalais de Lyon", country="FR", email="awa@senegalais-lyon.example",
                      contact_name="Awa Diop", email_confirmed_at=timezone.now())
    return UnderWay(consultation, in_review, draft, submitted, link.removeprefix(base_url))


def themes_proposed(consultation) -> AnalysisRun:
    """Propose themes in the organisations' long answers, as the demo does once."""
    return texts_analyse(run=AnalysisRun.objects.create(consultation=consultation))


def world_summary_built(consultation, officer) -> Report:
    """Build the world's summary as a web page, in this process, and publish it."""
    app.conf.task_always_eager = True
    try:
        [report] = reports_request(
            consultation=consultation, groupings=[None], formats=["html"], language="en", actor=officer
        )
    finally:
        app.conf.task_always_eager = False
    Report.objects.filter(pk=report.pk).update(is_published=True)
    return Report.objects.get(pk=report.pk)


def organisation_pending(name="Association des Sénégalais de Lyon") -> CivilSocietyOrganisation:
    return CivilSocietyOrganisation.objects.get(name=name)
