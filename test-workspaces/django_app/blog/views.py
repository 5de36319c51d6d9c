from django.core.exceptions import ObjectDoesNotExist
from django.http import Http404, HttpResponseBadRequest, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views import View

from .models import Author, Post


def post_list(request):
    posts = Post.objects.filter(published=True).order_by("-id")
    # expect-not: django-querydict-key-error
    page = request.GET.get("page", "1")
    return render(request, "blog/post_list.html", {"posts": posts, "page": page})


def post_detail(request, pk):
    # expect: django-get-does-not-exist confidence=likely
    post = Post.objects.get(pk=pk)
    return render(request, "blog/post_detail.html", {"post": post})


def post_by_slug(request, slug):
    # expect-not: django-get-does-not-exist
    post = get_object_or_404(Post, slug=slug)
    try:
        # expect-not: django-get-does-not-exist
        author = Author.objects.select_related().get(pk=post.author_id)
    except Author.DoesNotExist:
        raise Http404("no author")
    return render(request, "blog/post_detail.html", {"post": post, "author": author})


def author_detail(request, pk):
    try:
        # expect-not: django-get-does-not-exist
        author = Author.objects.get(pk=pk)
    except ObjectDoesNotExist:
        return redirect("post-list")
    # expect: django-get-does-not-exist confidence=likely
    latest = Post.objects.filter(author=author).get(published=True)
    return render(request, "blog/author.html", {"author": author, "latest": latest})


def search(request):
    # expect: django-querydict-key-error confidence=likely
    term = request.GET["q"]
    if "tag" in request.GET:
        # expect-not: django-querydict-key-error
        tag = request.GET["tag"]
    else:
        tag = None
    results = Post.objects.filter(title__icontains=term)
    return render(request, "blog/search.html", {"results": results, "tag": tag})


# expect: view-returns-none confidence=likely
def subscribe(request):
    if request.method == "POST":
        # expect: django-querydict-key-error confidence=likely
        email = request.POST["email"]
        Author.objects.filter(email=email).update(name=email)
        return redirect("post-list")
    elif request.method == "GET":
        return render(request, "blog/subscribe.html")
    print("unsupported method", request.method)


# expect: view-returns-none confidence=definite
def feedback(request):
    message = request.POST.get("message", "")
    if message:
        print("feedback:", message)


class PostEditView(View):
    # expect-not: view-returns-none
    def get(self, request, pk):
        post = get_object_or_404(Post, pk=pk)
        return render(request, "blog/edit.html", {"post": post})

    # expect: view-returns-none confidence=likely
    def post(self, request, pk):
        post = get_object_or_404(Post, pk=pk)
        # expect-not: django-querydict-key-error
        title = self.request.POST.get("title")
        if not title:
            return HttpResponseBadRequest("title is required")
        post.title = title
        post.save()


def _serialize(post):
    # Not a view: no `request`, and the caller decides what to do.
    return {"title": post.title}


def api_post(request, pk):
    try:
        # expect-not: django-get-does-not-exist
        post = Post.objects.get(pk=pk)
    except Exception:
        return JsonResponse({"error": "not found"}, status=404)
    return JsonResponse(_serialize(post))
