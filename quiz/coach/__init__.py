"""The coach's side: login, dashboard, export and embed code."""

from quiz.coach.views import init_app

__all__ = ["init_app"]
