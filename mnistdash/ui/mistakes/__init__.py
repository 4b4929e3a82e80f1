"""The Errors page's parts: the confusion matrix and the two-model comparison, the likely-mislabelled table."""
