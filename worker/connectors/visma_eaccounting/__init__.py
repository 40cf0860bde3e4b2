"""Visma eAccounting, as a target."""
