"""veille: sourced, mapped, dated facts from conflict and geopolitics news."""

__version__ = "0.1.0"

from veille.api import Veille  # noqa: E402  (the public entry point)

__all__ = ["Veille", "__version__"]
