"""Reads that views share, one module per part of the site."""
