from django.urls import path

from . import views

app_name = "reports"

urlpatterns = [
    path("", views.session_list, name="session_list"),
    path("sessions/<int:number>/", views.session_detail, name="session_detail"),
    path("jobs/<int:pk>/", views.job_detail, name="job_detail"),
    path("jobs/<int:pk>/status/", views.job_status, name="job_status"),
    path("jobs/<int:pk>/retry/", views.job_retry, name="job_retry"),
    path("jobs/<int:pk>/download/", views.job_download, name="job_download"),
]
