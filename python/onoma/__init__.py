"""onoma: multilingual name normalization, over the C library libonoma.

    >>> import onoma
    >>> onoma.normalize("Qassem Suleimani visited Teheran")
    'Qasem Soleimani visited Tehran'
    >>> onoma.lookup("Suleimani")[0].entity
    'Qasem Soleimani'
    >>> onoma.translit("Владимир Путин", lang="ru")
    'Vladimir Putin'
    >>> onoma.key("Ghassem Solaimani"), onoma.key("قاسم سلیمانی")
    ('ksm srmni', 'ksm srmni')
    >>> onoma.match("Sergey Viktorovich Lavrov", "Sergei Lavrov").same
    True
    >>> [f.suggestion for f in onoma.check("Qassem Suleimani went to Teheran")]
    ['Qasem Soleimani', 'Tehran']

:class:`Tables` opens the bundled tables and tables of your own;
:func:`translit` (:class:`Transliterator`), :func:`key` and :func:`match`
(:class:`Keyer`), :func:`check` and :func:`fix` (:class:`Checker`) and
:func:`cluster` wrap the rest of the library. :func:`normalize_many`,
:func:`translit_many`, :func:`keys` and :mod:`onoma.pandas` handle many short
texts in few calls into the library; :mod:`onoma.dask` runs the same on a
Dask cluster. Every call into the library releases the GIL.
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
from ._key import (
    MATCH_THRESHOLD,
    Cluster,
    ClusterGroup,
    ClusterSpelling,
    Keyer,
    Match,
    cluster,
    default_keyrules_path,
    key,
    keys,
    match,
)
from ._translit import Scheme, Transliterator, detect_language, schemes, translit, translit_many
from ._check import Candidate, Checker, Finding, check, fix, markup_for_path


__version__ = "0.1.0"

__all__ = [
    "CODES",
    "ERROR_NAMES",
    "MATCH_THRESHOLD",
    "Candidate",
    "Checker",
    "Cluster",
    "ClusterGroup",
    "ClusterSpelling",
    "Entity",
    "Error",
    "Finding",
    "Keyer",
    "LIBRARY_PATH",
    "Match",
    "Scheme",
    "TableInfo",
    "Tables",
    "Transliterator",
    "check",
    "cluster",
    "compile_tables",
    "default_keyrules_path",
    "default_tables",
    "default_tables_path",
    "detect_language",
    "fix",
    "key",
    "keys",
    "lookup",
    "markup_for_path",
    "match",
    "normalize",
    "normalize_many",
    "schemes",
    "translit",
    "translit_many",
    "versions",
]

for _cls in (Candidate, Checker, Cluster, ClusterGroup, ClusterSpelling, Entity, Error, Finding, Keyer, Match,
             Scheme, TableInfo, Tables, Transliterator):
    _cls.__module__ = "onoma"
del _cls
