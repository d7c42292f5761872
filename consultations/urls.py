from django.urls import path

from consultations.views import care, members, rounds, unsubscribe, you_said_we_did

app_name = "consultations"

urlpatterns = [
    path("", members.dashboard, name="dashboard"),
    path("join/<str:token>/", members.join, name="join"),
    path("profile/", members.profile, name="profile"),
    path("profile/withdraw/", members.withdraw, name="withdraw"),
    path("support/", care.support, name="support"),
    path("unsubscribe/<str:token>/", unsubscribe.unsubscribe, name="unsubscribe"),
    path("<int:round_pk>/", rounds.round_detail, name="round"),
    path("<int:round_pk>/drafts/", care.drafts, name="drafts"),
    path("<int:round_pk>/results/", rounds.round_results, name="results"),
    path(
        "<int:round_pk>/you-said-we-did/",
        you_said_we_did.you_said_we_did,
        name="you_said_we_did",
    ),
    path("<int:round_pk>/pages/<int:page_pk>/", rounds.round_page, name="round_page"),
    path("<int:round_pk>/pages/<int:page_pk>/rate/", rounds.rate, name="rate"),
    path("<int:round_pk>/pages/<int:page_pk>/comment/", rounds.comment, name="comment"),
    path(
        "<int:round_pk>/comments/<int:comment_pk>/edit/",
        rounds.comment_edit,
        name="comment_edit",
    ),
    path(
        "<int:round_pk>/comments/<int:comment_pk>/withdraw/",
        rounds.comment_withdraw,
        name="comment_withdraw",
    ),
]
