"""The audit trail, read-only; and the admin pages that change who may do what, which record it.

Roles are audited here rather than by model signals: the admin is where the secretariat gives
and takes roles and it knows who did it and from where, while a signal knows neither and would
also fire for the roles that invitations and registrations create (audited there already).
"""

from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin
from django.db import transaction

from ..models import AuditEvent, CivilSocietyRepresentative, FocalPoint, RegionalCoordinator
from ..services.audit import audit_record

ROLE_MODELS = (FocalPoint, CivilSocietyRepresentative, RegionalCoordinator)
# What makes a person staff, an administrator, a member of the secretariat, or no longer able to log in.
ACCOUNT_ROLE_FIELDS = {"is_active", "is_staff", "is_superuser", "groups", "user_permissions"}


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):
    list_display = ["id", "created_at", "action", "actor_name", "object_type", "object_label", "ip_address"]
    list_filter = ["action", "object_type"]
    search_fields = ["actor_name", "object_label", "object_id"]
    date_hierarchy = "created_at"
    show_full_result_count = False

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


def role_audit(request, role, change: str, fields=(), role_id=None) -> None:
    details = {"change": change, "fields": sorted(fields), "user": role.user.get_username(), "id": role_id or role.pk}
    audit_record(action=AuditEvent.Action.ROLE_CHANGED, actor=request.user, obj=role, details=details)


class RoleAuditAdmin(admin.ModelAdmin):
    """Record each role the page creates, changes or deletes, its own row or an inline one."""

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        if isinstance(form.instance, ROLE_MODELS) and (form.has_changed() or not change):
            role_audit(request, form.instance, "changed" if change else "created", form.changed_data)
        for formset in formsets:
            if issubclass(formset.model, ROLE_MODELS):
                self.formset_audit(request, formset)

    def save_formset(self, request, form, formset, change):
        # Deleting a row forgets its id: note it first.
        formset.deleted_ids = {id(inline.instance): inline.instance.pk for inline in formset.deleted_forms}
        super().save_formset(request, form, formset, change)

    def formset_audit(self, request, formset):
        for role in formset.new_objects:
            role_audit(request, role, "created")
        for role, fields in formset.changed_objects:
            role_audit(request, role, "changed", fields)
        for role in formset.deleted_objects:
            role_audit(request, role, "deleted", role_id=getattr(formset, "deleted_ids", {}).get(id(role)))

    def delete_model(self, request, obj):
        role_id = obj.pk
        super().delete_model(request, obj)
        if isinstance(obj, ROLE_MODELS):
            role_audit(request, obj, "deleted", role_id=role_id)

    def delete_queryset(self, request, queryset):
        audited = issubclass(queryset.model, ROLE_MODELS)
        with transaction.atomic():
            roles = [(role, role.pk) for role in queryset.select_related("user")] if audited else []
            super().delete_queryset(request, queryset)
            for role, role_id in roles:
                role_audit(request, role, "deleted", role_id=role_id)


User = get_user_model()
admin.site.unregister(User)


@admin.register(User)
class AuditedUserAdmin(UserAdmin):
    """Django's user admin, recording changes of staff, superuser, active and group membership."""

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        changed = ACCOUNT_ROLE_FIELDS.intersection(form.changed_data)
        if change and changed:
            person = form.instance
            details = {
                "change": "account", "fields": sorted(changed), "is_active": person.is_active,
                "is_staff": person.is_staff, "is_superuser": person.is_superuser,
                "groups": sorted(person.groups.values_list("name", flat=True)),
            }
            audit_record(action=AuditEvent.Action.ROLE_CHANGED, actor=request.user, obj=person, details=details)
