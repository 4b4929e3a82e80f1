"""The Errors page's parts: the likely-mislabelled table."""
