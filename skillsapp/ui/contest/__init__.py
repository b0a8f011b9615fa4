"""Contests: list, registration, rules, the attempt, prediction, review and result."""
