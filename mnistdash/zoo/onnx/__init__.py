"""Bring your own model: ONNX classifiers imported into the store, checked, and explained like the built-in ones."""

from mnistdash.zoo.onnx.check import MAX_BYTES, OnnxRefused

__all__ = ["MAX_BYTES", "OnnxRefused"]
