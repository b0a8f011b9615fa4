"""Kỹ Năng Số (skillsapp): offline digital-skills lessons, quizzes and contests.

The package outside ``skillsapp.ui`` is the core: plain Python, no Qt.
"""

__version__ = "0.1.0"
APP_NAME = "skillsapp"
