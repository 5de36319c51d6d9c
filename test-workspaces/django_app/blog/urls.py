from django.urls import path

from . import views

urlpatterns = [
    path("", views.post_list, name="post-list"),
    path("posts/<int:pk>/", views.post_detail, name="post-detail"),
    path("posts/<slug:slug>/", views.post_by_slug, name="post-by-slug"),
    path("authors/<int:pk>/", views.author_detail, name="author-detail"),
    path("search/", views.search, name="search"),
    path("subscribe/", views.subscribe, name="subscribe"),
    path("posts/<int:pk>/edit/", views.PostEditView.as_view(), name="post-edit"),
    path("feedback/", views.feedback, name="feedback"),
]
