"""Operations a screen or a command performs: they combine the store and the engine.

A flow returns plain results; screens show them and never reach into SQL.
"""
