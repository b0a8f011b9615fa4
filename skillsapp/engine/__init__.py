"""The quiz and contest engine: pure functions over plain models."""
