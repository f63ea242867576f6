"""Public pages of the newsletter 《劳模工匠坊》 under /news/."""

from django.urls import path

from . import views

app_name = "publications"
urlpatterns = [
    path("news/", views.news_index, name="index"),
    path("news/search/", views.news_search, name="search"),
    path("news/issues/<int:number>/", views.issue_detail, name="issue"),
    path("news/issues/<int:number>/print.pdf", views.issue_pdf, name="issue_pdf"),
    path("news/articles/<int:pk>/", views.article_detail, name="article"),
]
