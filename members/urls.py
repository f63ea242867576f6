"""Member-facing and public pages of the members app."""

app_name = "members"
urlpatterns = []
