"""Backends behind the one Store protocol."""
