"""Junkan: open data linkage for the battery value chain."""

__version__ = "0.1.0"
