"""Analysis and exports of one questionnaire version, for the Secretariat. Included by the root URLs inside
the `surveys` namespace at `questionnaires/<slug:code>/analysis/`, before the `instrument_read` pattern
(`questionnaires/<slug:code>/<str:instrument>/` would otherwise take `analysis/`)."""

from django.urls import path

from . import views_analysis

analysis_urls = [
    path("", views_analysis.analysis_overview, name="analysis"),
    path("states/", views_analysis.analysis_states, name="analysis_states"),
    path("export.csv", views_analysis.responses_export_csv, name="responses_export_csv"),
    path("export.xlsx", views_analysis.responses_export_xlsx, name="responses_export_xlsx"),
    path("exports/<int:pk>/", views_analysis.export_job_detail, name="export_job_detail"),
    path("exports/<int:pk>/status/", views_analysis.export_job_status, name="export_job_status"),
    path("exports/<int:pk>/retry/", views_analysis.export_job_retry, name="export_job_retry"),
    path("exports/<int:pk>/download/", views_analysis.export_job_download, name="export_job_download"),
]
