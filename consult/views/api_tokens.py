"""A person's API tokens: create one (its key shown once), revoke one, see when each was last used."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache

from ..forms.api_tokens import ApiTokenForm
from ..selectors.api_tokens import api_tokens_of
from ..services.api_tokens import ApiTokenError, api_token_create, api_token_revoke


@never_cache
@login_required
def api_tokens(request):
    """List the person's tokens; a POST creates one (and shows its key once) or revokes one."""
    if request.method == "POST" and "revoke" in request.POST:
        return revoke(request)
    form = ApiTokenForm(request.POST or None)
    key = None
    if request.method == "POST" and form.is_valid():
        try:
            _token, key = api_token_create(user=request.user, **form.cleaned_data)
        except ApiTokenError as error:
            form.add_error(None, str(error))
        else:
            form = ApiTokenForm()
    context = {"form": form, "key": key, "tokens": api_tokens_of(request.user)}
    return render(request, "consult/account/api_tokens.html", context)


def revoke(request):
    token_id = request.POST.get("revoke", "")
    token = get_object_or_404(api_tokens_of(request.user), pk=int(token_id) if token_id.isdecimal() else 0)
    api_token_revoke(token=token, actor=request.user)
    messages.success(request, _("The token “%(name)s” was revoked: it no longer works.") % {"name": token.name})
    return redirect("consult:api-tokens")
