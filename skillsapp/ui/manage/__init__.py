"""Organiser screens: sign-in, contests, rounds, people, targets and content."""
