from django.urls import include, path

from . import views, views_offline, views_responses, views_review
from .analysis_urls import analysis_urls

app_name = "surveys"

questionnaire_urls = [
    path("", views.questionnaire_list, name="questionnaire_list"),
    path("import/", views.questionnaire_import, name="questionnaire_import"),
    path("<slug:code>/", views.questionnaire_detail, name="questionnaire_detail"),
    path("<slug:code>/export.xlsx", views.questionnaire_export, name="questionnaire_export"),
    path("<slug:code>/copy/", views.questionnaire_copy, name="questionnaire_copy"),
    path("<slug:code>/publish/", views.questionnaire_publish, name="questionnaire_publish"),
    path("<slug:code>/deadline/", views.questionnaire_deadline, name="questionnaire_deadline"),
    path("<slug:code>/review/", views_review.review_queue, name="review_queue"),
    path("<slug:code>/analysis/", include(analysis_urls)),
    path("<slug:code>/<str:instrument>/", views.instrument_read, name="instrument_read"),
]

response_urls = [
    path("", views_responses.response_list, name="response_list"),
    path("<int:pk>/", views_responses.response_detail, name="response_detail"),
    path("<int:pk>/scope/", views_responses.response_scope, name="response_scope"),
    path("<int:pk>/submit/", views_responses.response_submit, name="response_submit"),
    path("<int:pk>/submitted/", views_responses.response_submitted, name="response_submitted"),
    path("<int:pk>/sections/<str:section_code>/", views_responses.section_form, name="section_form"),
    path(
        "<int:pk>/answers/<str:question_code>/save/", views_responses.answer_autosave, name="answer_autosave"
    ),
    path(
        "<int:pk>/answers/<str:question_code>/history/", views_responses.answer_history, name="answer_history"
    ),
    path(
        "<int:pk>/answers/<str:question_code>/restore/", views_responses.answer_restore, name="answer_restore"
    ),
    path("<int:pk>/answers/<str:question_code>/reuse/", views_responses.answer_reuse, name="answer_reuse"),
    path(
        "<int:pk>/files/<int:attachment_id>/", views_responses.attachment_download, name="attachment_download"
    ),
    path(
        "<int:pk>/files/<int:attachment_id>/remove/",
        views_responses.attachment_remove,
        name="attachment_remove",
    ),
    path("<int:pk>/transition/", views_review.response_transition, name="response_transition"),
    path("<int:pk>/compare/", views_review.response_compare, name="response_compare"),
    path("<int:pk>/answers/<str:question_code>/comments/", views_review.comment_add, name="comment_add"),
    path("<int:pk>/comments/<int:comment_id>/resolve/", views_review.comment_resolve, name="comment_resolve"),
    path("<int:pk>/offline/download/", views_offline.offline_download, name="offline_download"),
    path("<int:pk>/offline/upload/", views_offline.offline_upload, name="offline_upload"),
    path("<int:pk>/offline/apply/", views_offline.offline_apply, name="offline_apply"),
]

urlpatterns = [
    path("audit/", views_review.audit_trail, name="audit_trail"),
    path("review/", views_review.review_home, name="review_home"),
    path("questionnaires/", include(questionnaire_urls)),
    path("responses/", include(response_urls)),
]
