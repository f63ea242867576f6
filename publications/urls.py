"""Member-facing and public pages of the publications app."""

app_name = "publications"
urlpatterns = []
