"""The Qt interface. Renders core state and forwards user actions to the core."""

from skillsapp.ui.pyside_imports import skip_feature_scan

skip_feature_scan()  # before the app's own modules are imported: see pyside_imports
