"""Positions, their history, deadline extensions and invitations: looked at here, changed on the site.

Changes go through the site's services (they check the workflow and record events), so the
admin shows these rows read-only.
"""

from django.contrib import admin

from ..models import DeadlineExtension, Invitation, Position, PositionEvent


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class PositionEventInline(admin.TabularInline):
    model = PositionEvent
    extra = 0
    fields = ["created_at", "action", "actor", "comment"]
    readonly_fields = fields
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Position)
class PositionAdmin(ReadOnlyAdmin):
    list_display = ["__str__", "audience", "status", "publication", "receipt_number", "submitted_at", "updated_at"]
    list_filter = ["consultation", "audience", "status", "publication", "member_state__region"]
    search_fields = ["member_state__name", "member_state__iso3", "organisation__name", "receipt_number"]
    list_select_related = ["consultation", "member_state", "organisation"]
    inlines = [PositionEventInline]


@admin.register(PositionEvent)
class PositionEventAdmin(ReadOnlyAdmin):
    list_display = ["created_at", "position", "action", "actor"]
    list_filter = ["action", "position__consultation"]
    search_fields = ["position__member_state__name", "position__organisation__name", "actor__username", "comment"]
    list_select_related = ["position__consultation", "position__member_state", "position__organisation", "actor"]


@admin.register(DeadlineExtension)
class DeadlineExtensionAdmin(ReadOnlyAdmin):
    list_display = ["consultation", "member_state", "closes_at", "granted_by", "created_at"]
    list_filter = ["consultation"]
    search_fields = ["member_state__name", "reason"]
    list_select_related = ["consultation", "member_state", "granted_by"]


@admin.register(Invitation)
class InvitationAdmin(ReadOnlyAdmin):
    list_display = [
        "name", "email", "member_state", "consultation", "role", "created_at", "expires_at", "accepted_at", "revoked_at",
    ]
    list_filter = ["consultation", "role", "member_state__region"]
    search_fields = ["name", "email", "member_state__name"]
    list_select_related = ["member_state", "consultation"]
    exclude = ["token_hash"]
