"""Where models fail: confusion matrices and likely mislabels."""
