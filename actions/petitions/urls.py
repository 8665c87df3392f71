from django.urls import path

from . import supporter_views, views

app_name = "petitions"
urlpatterns = [
    path("act/", views.action_list, name="actions"),
    path("act/<slug:slug>/", views.action_detail, name="action"),
    path("act/<slug:slug>/thanks/", views.thanks, name="thanks"),
    path("act/confirm/<str:token>/", views.confirm, name="confirm"),
    path("my-signatures/", supporter_views.request_link, name="supporter_request"),
    path("my-signatures/link-sent/", supporter_views.request_sent, name="supporter_request_sent"),
    path("my-signatures/<str:token>/", supporter_views.supporter, name="supporter"),
    path("my-signatures/<str:token>/withdraw/<int:pk>/", supporter_views.withdraw, name="supporter_withdraw"),
    path("my-signatures/<str:token>/withdrawn/", supporter_views.withdrawn, name="supporter_withdrawn"),
    path("my-signatures/<str:token>/my-signatures.json", supporter_views.download, name="supporter_download"),
]
