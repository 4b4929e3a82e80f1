"""Every error the dashboard and the command line report: one MnistdashError, whose str() is one line that says
what is wrong and what to do. The pages show it as a message (no traceback); the command line prints it and
exits 2. Each module raises its own subclass, and re-exports it under the name it always had."""

from __future__ import annotations


class MnistdashError(Exception):
    """Base of every reported error: str() is one line."""


class UsageError(MnistdashError):
    """Bad input or arguments on the command line: printed as one line, exit 2."""


class ImageError(MnistdashError, ValueError):
    """An input is not a usable image, or holds no digit; the message says what to do."""


class DataError(MnistdashError, ValueError):
    """A dataset file is missing, truncated or of the wrong shape; the message names it."""


class StoreError(MnistdashError, RuntimeError):
    """A model or artifact cannot be loaded; the message names the file and says what to do."""


class StoreUnavailable(MnistdashError):
    """The review database cannot be used; str() is one line: what is wrong and what to do."""


class OnnxRefused(MnistdashError):
    """An ONNX file is not imported (or a model not exported); the store is untouched."""


class Unsupported(MnistdashError):
    """An ONNX graph uses an operator (or an attribute) the torch interpreter does not run (onnxruntime runs it)."""


class ImportRefused(MnistdashError):
    """A review file is not imported: one line naming the bad row and what is wrong."""


__all__ = [
    "DataError",
    "ImageError",
    "ImportRefused",
    "MnistdashError",
    "OnnxRefused",
    "StoreError",
    "StoreUnavailable",
    "Unsupported",
    "UsageError",
]
