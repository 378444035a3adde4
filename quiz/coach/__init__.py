"""The coach's side: login, dashboard, settings, export and embed code; quiz.coach.views registers its pages."""
