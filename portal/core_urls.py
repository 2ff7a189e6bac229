from django.urls import path

from . import views

app_name = "portal"

urlpatterns = [
    path("", views.home, name="home"),
    path("states/", views.country_list, name="country_list"),
    path("states/<str:iso2>/", views.country_detail, name="country_detail"),
    path("team/", views.team, name="team"),
    path("team/invitations/<int:pk>/withdraw/", views.invitation_revoke, name="invitation_revoke"),
    path("invitation/<str:token>/", views.invitation_accept, name="invitation_accept"),
]
