"""Reminders before the deadline: to states that have not submitted, never twice a day."""

from datetime import timedelta

from django.core import mail
from django.utils import timezone

from consult.models import Position, ReminderLog
from consult.services.positions import position_for
from consult.services.reminders import reminders_send


def closing_in(consultation, days):
    consultation.closes_at = timezone.now() + timedelta(days=days)
    consultation.reminder_days = 7
    consultation.save()


def test_focal_points_of_states_that_have_not_submitted_are_reminded(consultation, focal_point_france,
                                                                      focal_point_senegal, france):
    closing_in(consultation, days=3)
    position = position_for(consultation=consultation, member_state=france)
    Position.objects.filter(pk=position.pk).update(status=Position.Status.SUBMITTED)

    reminded = reminders_send(consultation=consultation)

    assert reminded == 1
    assert [message.to for message in mail.outbox] == [[focal_point_senegal.email]]
    assert "Senegal" in mail.outbox[0].body
    assert ReminderLog.objects.get().member_state.iso3 == "SEN"


def test_a_state_is_not_reminded_twice_the_same_day(consultation, focal_point_senegal):
    closing_in(consultation, days=2)

    first = reminders_send(consultation=consultation)
    second = reminders_send(consultation=consultation)

    assert (first, second) == (1, 0)
    assert len(mail.outbox) == 1


def test_no_reminder_before_the_window_or_after_the_deadline(consultation, focal_point_senegal):
    closing_in(consultation, days=20)
    assert reminders_send(consultation=consultation) == 0

    closing_in(consultation, days=-1)
    assert reminders_send(consultation=consultation) == 0
    assert mail.outbox == []


def test_the_next_day_brings_another_reminder(consultation, focal_point_senegal):
    closing_in(consultation, days=5)
    today = timezone.localdate()

    reminders_send(consultation=consultation, today=today)
    reminders_send(consultation=consultation, today=today + timedelta(days=1))

    assert ReminderLog.objects.count() == 2
    assert len(mail.outbox) == 2
