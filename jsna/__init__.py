"""jsna: tested, fast, reproducible Joint Strategic Needs Assessment analysis."""

from jsna.exceptions import DataValidationError, GeographyError, JSNAError, SourceError

__version__ = "0.1.0"

__all__ = [
    "DataValidationError",
    "GeographyError",
    "JSNAError",
    "SourceError",
    "__version__",
]
