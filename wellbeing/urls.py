"""Member-facing and public pages of the wellbeing app."""

app_name = "wellbeing"
urlpatterns = []
