"""The lessons library and the lesson reader."""
