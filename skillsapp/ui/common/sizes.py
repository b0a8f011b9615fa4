"""Sizes every screen shares, in a module without Qt imports so the style sheet can be built
before any widget module is loaded (the window's first frame)."""

# The smallest height of anything a resident clicks or taps, in pixels (WCAG 2.5.5 asks 44).
MIN_TARGET = 44
