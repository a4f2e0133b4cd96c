"""Imports every page module, so their routes join the blueprint before it is registered."""

from gateway.console import audit_views, desks, dropoffs, graph_views, messages, officers, simulator_views

__all__ = ["audit_views", "desks", "dropoffs", "graph_views", "messages", "officers", "simulator_views"]
