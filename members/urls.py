"""Member-facing and public pages of the members app."""

from django.urls import path

from . import account_views, views

app_name = "members"
urlpatterns = [
    path("verify/", views.verify_lookup, name="verify_lookup"),
    path("verify/file/", views.verify_file, name="verify_file"),  # before <serial>: "file" is no serial
    path("verify/<str:serial>/", views.verify, name="verify"),
    path("me/", views.me, name="me"),
    path("me/certificates/request/", views.me_certificate_request, name="certificate_request"),
    path("me/certificates/<int:pk>/download/", views.certificate_download, name="certificate_download"),
    path("me/cards/<int:pk>/download/", views.card_download, name="card_download"),
    path("me/mobile/confirm/", account_views.confirm_mobile, name="confirm_mobile"),
    path("me/login/", account_views.login_view, name="login"),
    path("me/logout/", account_views.logout_view, name="logout"),
    path("me/activate/<str:uidb64>/<str:token>/", account_views.activate, name="activate"),
    path("me/claim/", account_views.claim, name="claim"),
    path("me/claim/confirm/", account_views.claim_confirm, name="claim_confirm"),
    path("me/password-reset/", account_views.password_reset, name="password_reset"),
    path("me/password-reset/confirm/", account_views.password_reset_confirm, name="password_reset_confirm"),
]
