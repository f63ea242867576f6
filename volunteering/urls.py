"""Member-facing and public pages of the volunteering app."""

app_name = "volunteering"
urlpatterns = []
