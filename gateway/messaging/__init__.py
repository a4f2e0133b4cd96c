"""Outbound SMS through an outbox, the customers' SMS preferences, and the inbound message log."""
