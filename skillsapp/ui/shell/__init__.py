"""App start, the main window, navigation, theme, icons and background tasks."""
