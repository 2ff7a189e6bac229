"""Every URL of the portal, found by walking the URL patterns, with the arguments that reach a real object
of the test world, and every field name a form of the portal reads."""

import inspect
from collections.abc import Callable

from django import forms
from django.urls import URLPattern, URLResolver, get_resolver

from .world import INVITATION_TOKEN, World

# URL name -> the kwargs that address an existing object of the world.
URL_KWARGS: dict[str, Callable[[World], dict]] = {
    # portal
    "set_language": lambda w: {},
    "portal:home": lambda w: {},
    "portal:country_list": lambda w: {},
    "portal:country_detail": lambda w: {"iso2": w.country.iso2},
    "portal:team": lambda w: {},
    "portal:invitation_revoke": lambda w: {"pk": w.invitation.pk},
    "portal:invitation_accept": lambda w: {"token": INVITATION_TOKEN},
    "login": lambda w: {},
    "two_factor_verify": lambda w: {},
    "two_factor_enrol": lambda w: {},
    "logout": lambda w: {},
    "password_reset": lambda w: {},
    "password_reset_done": lambda w: {},
    "password_reset_confirm": lambda w: {"uidb64": "MQ", "token": "set-password"},
    "password_reset_complete": lambda w: {},
    "password_change": lambda w: {},
    "password_change_done": lambda w: {},
    # surveys: questionnaires
    "surveys:audit_trail": lambda w: {},
    "surveys:review_home": lambda w: {},
    "surveys:questionnaire_list": lambda w: {},
    "surveys:questionnaire_import": lambda w: {},
    "surveys:questionnaire_detail": lambda w: {"code": w.questionnaire.code},
    "surveys:questionnaire_export": lambda w: {"code": w.questionnaire.code},
    "surveys:questionnaire_copy": lambda w: {"code": w.questionnaire.code},
    "surveys:questionnaire_publish": lambda w: {"code": w.draft.code},
    "surveys:questionnaire_deadline": lambda w: {"code": w.questionnaire.code},
    "surveys:review_queue": lambda w: {"code": w.questionnaire.code},
    "surveys:analysis": lambda w: {"code": w.questionnaire.code},
    "surveys:analysis_states": lambda w: {"code": w.questionnaire.code},
    "surveys:responses_export_csv": lambda w: {"code": w.questionnaire.code},
    "surveys:responses_export_xlsx": lambda w: {"code": w.questionnaire.code},
    "surveys:export_job_detail": lambda w: {"code": w.questionnaire.code, "pk": w.export_job.pk},
    "surveys:export_job_status": lambda w: {"code": w.questionnaire.code, "pk": w.export_job.pk},
    "surveys:export_job_retry": lambda w: {"code": w.questionnaire.code, "pk": w.export_job.pk},
    "surveys:export_job_download": lambda w: {"code": w.questionnaire.code, "pk": w.export_job.pk},
    "surveys:instrument_read": lambda w: {"code": w.questionnaire.code, "instrument": "untoc"},
    # surveys: responses
    "surveys:response_list": lambda w: {},
    "surveys:response_detail": lambda w: {"pk": w.response.pk},
    "surveys:response_scope": lambda w: {"pk": w.response.pk},
    "surveys:response_submit": lambda w: {"pk": w.response.pk},
    "surveys:response_submitted": lambda w: {"pk": w.response.pk},
    "surveys:section_form": lambda w: {"pk": w.response.pk, "section_code": "U-5"},
    "surveys:answer_autosave": lambda w: {"pk": w.response.pk, "question_code": "U-T"},
    "surveys:answer_history": lambda w: {"pk": w.response.pk, "question_code": "U-T"},
    "surveys:answer_restore": lambda w: {"pk": w.response.pk, "question_code": "U-T"},
    "surveys:answer_reuse": lambda w: {"pk": w.response.pk, "question_code": "U-T"},
    "surveys:attachment_download": lambda w: {"pk": w.response.pk, "attachment_id": w.attachment.pk},
    "surveys:attachment_remove": lambda w: {"pk": w.response.pk, "attachment_id": w.attachment.pk},
    "surveys:response_transition": lambda w: {"pk": w.response.pk},
    "surveys:response_compare": lambda w: {"pk": w.response.pk},
    "surveys:comment_add": lambda w: {"pk": w.response.pk, "question_code": "U-T"},
    "surveys:comment_resolve": lambda w: {"pk": w.response.pk, "comment_id": w.comment.pk},
    "surveys:offline_download": lambda w: {"pk": w.response.pk},
    "surveys:offline_upload": lambda w: {"pk": w.response.pk},
    "surveys:offline_apply": lambda w: {"pk": w.response.pk},
    # assistance
    "assistance:need_list": lambda w: {},
    "assistance:need_create": lambda w: {},
    "assistance:needs_share": lambda w: {},
    "assistance:need_detail": lambda w: {"pk": w.need.pk},
    "assistance:need_share": lambda w: {"pk": w.need.pk},
    "assistance:need_unshare": lambda w: {"pk": w.need.pk},
    "assistance:need_priority": lambda w: {"pk": w.need.pk},
    "assistance:need_withdraw": lambda w: {"pk": w.need.pk},
    "assistance:need_reopen": lambda w: {"pk": w.need.pk},
    "assistance:offer_make": lambda w: {"pk": w.need.pk},
    "assistance:offer_list": lambda w: {},
    "assistance:offer_withdraw": lambda w: {"pk": w.offer.pk},
    "assistance:offer_decline": lambda w: {"pk": w.offer.pk},
    "assistance:offer_match": lambda w: {"pk": w.offer.pk},
    "assistance:my_assistance": lambda w: {},
    "assistance:activity_list": lambda w: {},
    "assistance:activity_create": lambda w: {},
    "assistance:activity_detail": lambda w: {"pk": w.activity.pk},
    "assistance:activity_status": lambda w: {"pk": w.activity.pk},
    "assistance:activity_add_needs": lambda w: {"pk": w.activity.pk},
    "assistance:contribution_list": lambda w: {},
    "assistance:contribution_create": lambda w: {},
    "assistance:contribution_detail": lambda w: {"pk": w.contribution.pk},
    "assistance:rate_list": lambda w: {},
    "assistance:coverage": lambda w: {},
    "assistance:export": lambda w: {"name": "needs", "file_format": "csv"},
    # reports
    "reports:session_list": lambda w: {},
    "reports:session_detail": lambda w: {"number": w.session.number},
    "reports:job_detail": lambda w: {"pk": w.job.pk},
    "reports:job_status": lambda w: {"pk": w.job.pk},
    "reports:job_retry": lambda w: {"pk": w.job.pk},
    "reports:job_download": lambda w: {"pk": w.job.pk},
}

# Django's admin is a generated interface for a few trusted administrators, tested by Django itself.
NOT_WALKED_NAMESPACES = ("admin",)

# Field names the views read from request.POST/GET directly, besides their forms' fields.
RAW_FIELDS = (
    "action", "summary", "body", "version", "offer", "instrument", "include", "questionnaire", "next_section",
    "fingerprint", "resolution-U-T", "resolution-U-N", "next", "language", "lang", "format", "page", "show",
    "provision", "answer", "group", "username", "password", "email", "code", "otp_token", "new_password1",
    "new_password2", "old_password", "csrfmiddlewaretoken",
)  # fmt: skip
ANSWER_SUFFIXES = (
    "base_version", "value", "language", "upload", "ref_0_title", "ref_0_article", "ref_0_url",
    "ref_0_in_force_on", "ref_199_title", "ref_-1_title", "challenges", "challenges_other", "would_help", "kinds",
    "details", "receiving", "received_from",
)  # fmt: skip
QUESTION_CODES = ("U-C", "U-T", "U-N", "U-D", "U-S", "U-M", "U-L", "U-F", "U-A")
FORM_MODULES = ("portal.", "surveys.", "assistance.", "reports.")


def walk(patterns=None, namespace="") -> list[tuple[str, URLPattern]]:
    """(namespaced name, pattern) of every named URL pattern, with their converters."""
    found = []
    for entry in get_resolver().url_patterns if patterns is None else patterns:
        if isinstance(entry, URLResolver):
            inner = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            found.extend(walk(entry.url_patterns, inner))
        elif entry.name:
            found.append((f"{namespace}{entry.name}", entry))
    return found


def walked_names() -> set[str]:
    return {name for name, _pattern in walk() if name.split(":")[0] not in NOT_WALKED_NAMESPACES}


def _form_classes(base=forms.BaseForm):
    for cls in base.__subclasses__():
        if cls.__module__.startswith(FORM_MODULES):
            yield cls
        yield from _form_classes(cls)


def form_field_names() -> list[str]:
    """Every field name declared by a form of the portal, the answer fields of every question, and the
    names views read directly."""
    import assistance.forms  # noqa: F401 - registers the forms as subclasses
    import portal.forms  # noqa: F401
    import portal.forms_auth  # noqa: F401
    import reports.forms  # noqa: F401
    import surveys.answer_forms  # noqa: F401
    import surveys.forms  # noqa: F401
    import surveys.views_analysis  # noqa: F401
    import surveys.views_offline  # noqa: F401

    names = set(RAW_FIELDS)
    for cls in _form_classes():
        if inspect.isclass(cls):
            names.update(cls.base_fields)
    names.update(f"{code}-{suffix}" for code in QUESTION_CODES for suffix in ANSWER_SUFFIXES)
    return sorted(names)
