"""Content packs: format, loader, checker, install and import."""
