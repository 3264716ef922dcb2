"""Recycler reports: recycling efficiency and material recovery against Annex XII."""
