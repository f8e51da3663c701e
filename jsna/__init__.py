"""jsna: tested, fast, reproducible Joint Strategic Needs Assessment analysis.

Examples
--------
>>> import jsna
>>> jsna.DataPack.__name__
'DataPack'
"""

from jsna.exceptions import DataValidationError, GeographyError, JSNAError, SourceError

__version__ = "0.1.0"

__all__ = [
    "DataPack",
    "DataValidationError",
    "GeographyError",
    "JSNAError",
    "SourceError",
    "__version__",
]


def __getattr__(name: str):
    # DataPack is loaded on first use, so that importing the ground floor stays light.
    if name == "DataPack":
        from jsna.io.datapack import DataPack

        return DataPack
    raise AttributeError(f"module 'jsna' has no attribute {name!r}")
