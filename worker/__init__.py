"""Koppel's engine: models, connectors, the order pipeline and background jobs.

Nothing in this package imports the portal (see DESIGN.md, "Dependency direction").
"""
