"""mnistdash: what MNIST classifiers have learned and why they decide as they do."""

__version__ = "0.1.0"
