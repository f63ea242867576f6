"""Member-facing and public pages of the workshops app."""

app_name = "workshops"
urlpatterns = []
