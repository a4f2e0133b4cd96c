"""Jembatan: a USSD and SMS gateway for rural banks."""
