"""Domain helpers outside the views: `.get()` here is the caller's business."""

from .models import Post


def publish(post_id):
    # expect-not: django-get-does-not-exist
    post = Post.objects.get(pk=post_id)
    post.published = True
    post.save()
    return post
