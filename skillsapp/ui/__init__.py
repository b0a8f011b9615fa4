"""The Qt interface. Renders core state and forwards user actions to the core."""
