from django.urls import path

from . import views, views_activities, views_money

app_name = "assistance"

urlpatterns = [
    path("needs/", views.need_list, name="need_list"),
    path("needs/new/", views.need_create, name="need_create"),
    path("needs/share/", views.needs_share_selected, name="needs_share"),
    path("needs/<int:pk>/", views.need_detail, name="need_detail"),
    path("needs/<int:pk>/share/", views.need_share, name="need_share"),
    path("needs/<int:pk>/unshare/", views.need_unshare, name="need_unshare"),
    path("needs/<int:pk>/priority/", views.need_priority, name="need_priority"),
    path("needs/<int:pk>/withdraw/", views.need_withdraw, name="need_withdraw"),
    path("needs/<int:pk>/reopen/", views.need_reopen, name="need_reopen"),
    path("needs/<int:pk>/offer/", views.offer_make, name="offer_make"),
    path("offers/", views.offer_list, name="offer_list"),
    path("offers/<int:pk>/withdraw/", views.offer_withdraw, name="offer_withdraw"),
    path("offers/<int:pk>/decline/", views.offer_decline, name="offer_decline"),
    path("offers/<int:pk>/match/", views_activities.activity_from_offer, name="offer_match"),
    path("mine/", views.my_assistance, name="my_assistance"),
    path("activities/", views_activities.activity_list, name="activity_list"),
    path("activities/new/", views_activities.activity_create, name="activity_create"),
    path("activities/<int:pk>/", views_activities.activity_detail, name="activity_detail"),
    path("activities/<int:pk>/status/", views_activities.activity_status, name="activity_status"),
    path("activities/<int:pk>/needs/", views_activities.activity_add_needs, name="activity_add_needs"),
    path("contributions/", views_money.contribution_list, name="contribution_list"),
    path("contributions/new/", views_money.contribution_create, name="contribution_create"),
    path("contributions/<int:pk>/", views_money.contribution_detail, name="contribution_detail"),
    path("rates/", views_money.rate_list, name="rate_list"),
    path("coverage/", views_money.coverage, name="coverage"),
    path("export/<str:name>.<str:file_format>", views_money.export, name="export"),
]
