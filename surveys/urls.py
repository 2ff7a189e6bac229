from django.urls import path

from . import views

app_name = "surveys"

urlpatterns = [
    path("", views.questionnaire_list, name="questionnaire_list"),
    path("import/", views.questionnaire_import, name="questionnaire_import"),
    path("<slug:code>/", views.questionnaire_detail, name="questionnaire_detail"),
    path("<slug:code>/export.xlsx", views.questionnaire_export, name="questionnaire_export"),
    path("<slug:code>/copy/", views.questionnaire_copy, name="questionnaire_copy"),
    path("<slug:code>/publish/", views.questionnaire_publish, name="questionnaire_publish"),
    path("<slug:code>/<str:instrument>/", views.instrument_read, name="instrument_read"),
]
