"""The practice area and practice quizzes."""
