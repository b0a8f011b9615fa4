"""Who is learning: the home screen, the learner gate and progress."""
