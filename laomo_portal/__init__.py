"""The 杭州市劳模工匠协会 portal project package: settings, URLs, the Celery app."""

from .celery import app as celery_app

__all__ = ("celery_app",)
