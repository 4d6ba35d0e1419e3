"""onoma: multilingual name normalization, over the C library libonoma.

    >>> import onoma
    >>> onoma.normalize("Qassem Suleimani visited Teheran")
    'Qasem Soleimani visited Tehran'
    >>> onoma.lookup("Suleimani")[0].entity
    'Qasem Soleimani'

:class:`Tables` opens the bundled tables and tables of your own;
:func:`normalize_many` and :func:`onoma.pandas.normalize_series` normalize
many short texts in few calls into the library; :mod:`onoma.dask` runs the
same on a Dask cluster. Every call into the library releases the GIL.
Failures raise :class:`Error`, which carries the library's error code.
"""
from ._core import (
    CODES,
    ERROR_NAMES,
    Entity,
    Error,
    TableInfo,
    Tables,
    compile_tables,
    default_tables,
    default_tables_path,
    lookup,
    normalize,
    normalize_many,
    versions,
)
from ._ffi import LIBRARY_PATH

__version__ = "0.1.0"

__all__ = [
    "CODES",
    "ERROR_NAMES",
    "Entity",
    "Error",
    "LIBRARY_PATH",
    "TableInfo",
    "Tables",
    "compile_tables",
    "default_tables",
    "default_tables_path",
    "lookup",
    "normalize",
    "normalize_many",
    "versions",
]

for _cls in (Entity, Error, TableInfo, Tables):
    _cls.__module__ = "onoma"
del _cls
