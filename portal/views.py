"""Thin views for the shared core: parse input, call a service or selector, render."""

from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django.views.i18n import set_language as django_set_language

from . import permissions, selectors, services
from .audit import client_address
from .forms import AcceptInvitationForm, CountryFilterForm, InvitationForm
from .models import Role, Treaty
from .navigation import nav_items_for


def _apply_validation_error(form, error: ValidationError) -> None:
    if hasattr(error, "error_dict"):
        for field, errors in error.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error.messages)


@login_required
def home(request):
    items = [item for item in nav_items_for(request.user) if item.url_name != "portal:home"]
    return render(request, "portal/home.html", {"items": items, "role": Role(request.user.role)})


@login_required
def country_list(request):
    form = CountryFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    countries = selectors.country_list(
        regional_group=filters.get("regional_group", ""),
        treaty=filters.get("treaty", ""),
        status=filters.get("status", ""),
        query=filters.get("q", ""),
    )
    return render(
        request,
        "portal/country_list.html",
        {"form": form, "countries": countries, "treaties": Treaty.choices},
    )


@login_required
def country_detail(request, iso2):
    if "\x00" in iso2:  # no code holds one, and the database refuses to even look it up
        raise Http404
    country = get_object_or_404(selectors.countries_with_participations(), iso2=iso2.upper())
    return render(
        request,
        "portal/country_detail.html",
        {"country": country, "can_view_team": permissions.can_view_country_data(request.user, country)},
    )


@login_required
def team(request):
    user = request.user
    if not permissions.can_manage_team(user):
        raise PermissionDenied
    roles = permissions.invitable_roles(user)
    fixed_country = user.country if user.role == Role.FOCAL_POINT else None
    form = InvitationForm(
        request.POST or None,
        roles=roles,
        fixed_country=fixed_country,
        initial={"language": request.LANGUAGE_CODE},
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            invitation = services.invitation_send(
                by=user,
                email=data["email"],
                full_name=data["full_name"],
                role=data["role"],
                country=data.get("country") or fixed_country,
                provider=data.get("provider"),
                language=data["language"],
                base_url=request.build_absolute_uri("/"),
                ip_address=client_address(request),
            )
        except ValidationError as error:
            _apply_validation_error(form, error)
        else:
            messages.success(request, _("Invitation sent to %(email)s.") % {"email": invitation.email})
            return redirect("portal:team")
    return render(
        request,
        "portal/team.html",
        {
            "form": form,
            "members": selectors.users_visible_to(user),
            "invitations": selectors.invitations_visible_to(user)[:200],
            "fixed_country": fixed_country,
        },
    )


@login_required
@require_POST
def invitation_revoke(request, pk):
    invitation = get_object_or_404(selectors.invitations_visible_to(request.user), pk=pk)
    services.invitation_revoke(by=request.user, invitation=invitation, ip_address=client_address(request))
    messages.success(request, _("The invitation of %(email)s was withdrawn.") % {"email": invitation.email})
    return redirect("portal:team")


def invitation_accept(request, token):
    try:
        invitation = services.invitation_get_usable(token=token)
    except services.InvitationUnusable as exc:
        if exc.reason == "unknown":
            raise Http404 from exc
        return render(request, "portal/invitation_unusable.html", {"reason": exc.reason}, status=410)
    form = AcceptInvitationForm(request.POST or None, initial={"full_name": invitation.full_name})
    if request.method == "POST" and form.is_valid():
        try:
            user = services.invitation_accept(
                token=token,
                full_name=form.cleaned_data["full_name"],
                password=form.cleaned_data["password1"],
                ip_address=client_address(request),
            )
        except services.InvitationUnusable as exc:
            return render(request, "portal/invitation_unusable.html", {"reason": exc.reason}, status=410)
        except ValidationError as error:
            form.add_error("password1", error.messages)
        else:
            login(request, user, backend="django.contrib.auth.backends.ModelBackend")
            messages.success(request, _("Welcome to the portal, %(name)s.") % {"name": user.full_name})
            return redirect("portal:home")
    return render(request, "portal/invitation_accept.html", {"form": form, "invitation": invitation})


@require_POST
def set_language(request):
    """Switch language (Django's view) and remember the choice for the person's e-mails."""
    response = django_set_language(request)
    if request.user.is_authenticated and request.POST.get("language"):
        services.user_set_language(user=request.user, language=request.POST["language"])
    return response


def csrf_failure(request, reason=""):
    return render(request, "403_csrf.html", status=403)
