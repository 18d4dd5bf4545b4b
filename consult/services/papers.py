"""Import a position paper into a consultation: its priority areas and their recommendations.

Areas are matched by number and recommendations by their position in the area, so that a
recommendation keeps its code ("3.2") through revisions of the paper. Questions are not
touched here: the question generator retires the questions of what the paper dropped.
"""

import hashlib
from dataclasses import dataclass, field
from pathlib import PurePath

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from surveys.models import Answer

from ..models import AuditEvent, Consultation, Language, PositionPaper, PriorityArea, Recommendation
from ..papers import AreaOutline, PaperOutline, read_paper
from .audit import audit_record

AREA_TITLE_MAX_LENGTH = PriorityArea._meta.get_field("title").max_length
CONSULTATION_TITLE_MAX_LENGTH = Consultation._meta.get_field("title").max_length


@dataclass
class ImportResult:
    areas_created: int = 0
    areas_updated: int = 0
    areas_deleted: int = 0
    areas_withdrawn: int = 0
    recommendations_created: int = 0
    recommendations_updated: int = 0
    recommendations_unchanged: int = 0
    recommendations_withdrawn: int = 0
    recommendations_deleted: int = 0
    outline: PaperOutline | None = field(default=None, repr=False, compare=False)

    def summary(self) -> str:
        """Return the counts on one line."""
        return _(
            "areas: %(areas_created)s created, %(areas_updated)s updated, %(areas_withdrawn)s withdrawn, "
            "%(areas_deleted)s deleted; "
            "recommendations: %(recommendations_created)s created, %(recommendations_updated)s updated, "
            "%(recommendations_unchanged)s unchanged, %(recommendations_withdrawn)s withdrawn, "
            "%(recommendations_deleted)s deleted"
        ) % {
            "areas_created": self.areas_created,
            "areas_updated": self.areas_updated,
            "areas_withdrawn": self.areas_withdrawn,
            "areas_deleted": self.areas_deleted,
            "recommendations_created": self.recommendations_created,
            "recommendations_updated": self.recommendations_updated,
            "recommendations_unchanged": self.recommendations_unchanged,
            "recommendations_withdrawn": self.recommendations_withdrawn,
            "recommendations_deleted": self.recommendations_deleted,
        }


def position_paper_import(*, consultation: Consultation, filename: str, content: bytes, user=None) -> ImportResult:
    """Read a paper and write its areas and recommendations into the consultation, all or nothing."""
    outline = read_paper(filename, content)
    with transaction.atomic():
        return _import(consultation, filename, content, outline, user)


def position_paper_import_into(
    *, slug: str, filename: str, content: bytes, title: str = "", language: str = "", user=None
) -> tuple[Consultation, ImportResult]:
    """Import a paper into the consultation `slug`, creating it from the paper when it does not exist."""
    outline = read_paper(filename, content)
    with transaction.atomic():
        consultation = consultation_for_paper(
            slug=slug, outline=outline, filename=filename, title=title, language=language
        )
        return consultation, _import(consultation, filename, content, outline, user)


def position_paper_upload(
    *, consultation: Consultation, filename: str, content: bytes, user
) -> tuple[PositionPaper, PaperOutline]:
    """Read a paper and keep the file for a preview; nothing else is written until it is confirmed."""
    outline = read_paper(filename, content)
    paper = PositionPaper.objects.create(
        consultation=consultation, filename=filename, content=content, sha256=_sha256(content), uploaded_by=user
    )
    return paper, outline


def position_paper_confirm(*, paper: PositionPaper, actor=None) -> ImportResult:
    """Import an uploaded paper exactly as position_paper_import would."""
    outline = read_paper(paper.filename, bytes(paper.content))
    with transaction.atomic():
        result = outline_apply(consultation=paper.consultation, outline=outline)
        paper.imported_at = timezone.now()
        paper.save(update_fields=["imported_at"])
        _import_audit(paper, result, actor or paper.uploaded_by)
    return result


def consultation_for_paper(
    *, slug: str, outline: PaperOutline, filename: str, title: str = "", language: str = ""
) -> Consultation:
    """Return the consultation `slug`, created from the paper if needed; a title or language given is applied."""
    defaults = {
        "title": (title or outline.title or PurePath(filename).stem)[:CONSULTATION_TITLE_MAX_LENGTH],
        "language": language or outline.language or Language.ENGLISH,
    }
    consultation, created = Consultation.objects.get_or_create(slug=slug, defaults=defaults)
    if not created and (title or language):
        consultation.title = title[:CONSULTATION_TITLE_MAX_LENGTH] or consultation.title
        consultation.language = language or consultation.language
        consultation.save(update_fields=["title", "language"])
    return consultation


def _import(consultation, filename, content, outline, user) -> ImportResult:
    result = outline_apply(consultation=consultation, outline=outline)
    _import_audit(_paper_record(consultation, filename, content, user), result, user)
    return result


def _import_audit(paper, result, actor) -> None:
    details = {"filename": paper.filename, "sha256": paper.sha256, "summary": result.summary()}
    audit_record(
        action=AuditEvent.Action.PAPER_IMPORTED, actor=actor, consultation=paper.consultation_id, obj=paper,
        details=details,
    )


def _paper_record(consultation, filename, content, user) -> PositionPaper:
    """Record the imported file; the same file imported again updates its record rather than piling up copies."""
    digest = _sha256(content)
    paper = consultation.papers.filter(sha256=digest).first()
    if paper is None:
        paper = PositionPaper(consultation=consultation, content=content, sha256=digest, uploaded_by=user)
    paper.filename, paper.imported_at = filename, timezone.now()
    paper.save()
    return paper


def _sha256(content: bytes) -> str:
    return hashlib.sha256(content).hexdigest()


@transaction.atomic
def outline_apply(*, consultation: Consultation, outline: PaperOutline) -> ImportResult:
    """Bring the consultation's areas and recommendations in line with the outline of a paper."""
    # Two imports into one consultation at once would both create area 1: take turns.
    Consultation.objects.select_for_update().get(pk=consultation.pk)
    result = ImportResult(outline=outline)
    areas = {area.number: area for area in consultation.areas.prefetch_related("recommendations")}
    for area_outline in outline.areas:
        area = _area_save(consultation, areas.pop(area_outline.number, None), area_outline, result)
        _recommendations_save(consultation, area, area_outline.recommendations, result)
    for area in areas.values():
        _area_retire(consultation, area, result)
    return result


def _area_save(consultation, area: PriorityArea | None, outline: AreaOutline, result: ImportResult) -> PriorityArea:
    fields = {"title": outline.title[:AREA_TITLE_MAX_LENGTH], "headline": outline.headline, "context": outline.context}
    if area is None:
        result.areas_created += 1
        return PriorityArea.objects.create(consultation=consultation, number=outline.number, **fields)
    # An area that is back in the paper after a withdrawal is active again.
    fields["status"] = PriorityArea.Status.ACTIVE
    if any(getattr(area, name) != value for name, value in fields.items()):
        for name, value in fields.items():
            setattr(area, name, value)
        area.save(update_fields=list(fields))
        result.areas_updated += 1
    return area


def _recommendations_save(consultation, area: PriorityArea, texts: list[str], result: ImportResult) -> None:
    recommendations = {recommendation.position: recommendation for recommendation in area.recommendations.all()}
    for position, text in enumerate(texts, start=1):
        _recommendation_save(area, recommendations.pop(position, None), position, text, result)
    for recommendation in recommendations.values():
        _recommendation_retire(consultation, recommendation, result)


def _recommendation_save(area, recommendation: Recommendation | None, position: int, text: str, result) -> None:
    if recommendation is None:
        Recommendation.objects.create(area=area, position=position, text=text)
        result.recommendations_created += 1
    elif recommendation.text == text and recommendation.status == Recommendation.Status.ACTIVE:
        result.recommendations_unchanged += 1
    else:
        # A withdrawn recommendation that is back in the paper is active again.
        recommendation.text, recommendation.status = text, Recommendation.Status.ACTIVE
        recommendation.save(update_fields=["text", "status"])
        result.recommendations_updated += 1


def _recommendation_retire(consultation, recommendation: Recommendation, result: ImportResult) -> None:
    """Delete a recommendation the paper dropped, or withdraw it when its questions have answers."""
    if not _has_answers(consultation, recommendation.code):
        recommendation.delete()
        result.recommendations_deleted += 1
    elif recommendation.status != Recommendation.Status.WITHDRAWN:
        recommendation.status = Recommendation.Status.WITHDRAWN
        recommendation.save(update_fields=["status"])
        result.recommendations_withdrawn += 1


def _area_retire(consultation, area: PriorityArea, result: ImportResult) -> None:
    """Retire an area the paper dropped; it stays while answers refer to it or its recommendations."""
    _recommendations_save(consultation, area, [], result)
    # Not area.recommendations: its prefetched cache still holds the ones just deleted.
    remaining = Recommendation.objects.filter(area=area).exists()
    if not remaining and not _has_answers(consultation, area.code):
        area.delete()
        result.areas_deleted += 1
    elif area.status != PriorityArea.Status.WITHDRAWN:
        area.status = PriorityArea.Status.WITHDRAWN
        area.save(update_fields=["status"])
        result.areas_withdrawn += 1


def _has_answers(consultation: Consultation, reference: str) -> bool:
    """Tell whether any question made from `reference` (a recommendation or area code) was answered."""
    questions = {"question__survey__questionnaire__consultation": consultation, "question__reference": reference}
    return Answer.objects.filter(**questions).exists()
