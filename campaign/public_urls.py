"""Every public page, all under a language prefix (/en/, /ar/, /fr/, /es/)."""

from django.urls import include, path

from . import views

campaign_patterns = (
    [
        path("", views.home, name="home"),
        path("campaigns/", views.campaign_list, name="campaigns"),
        path("campaigns/<slug:slug>/", views.campaign_detail, name="campaign"),
        path("campaigns/<slug:campaign_slug>/<slug:slug>/", views.section_detail, name="section"),
        path("preview/<str:label>/<int:pk>/", views.preview, name="preview"),
    ],
    "campaign",
)

urlpatterns = [
    path("", include(campaign_patterns)),
    path("", include("stories.urls")),
    path("", include("actions.giving.urls")),
    path("", include("actions.sharing.urls")),
    path("postcards/", include("actions.postcards.urls")),
    path("", include("actions.petitions.urls")),
]
