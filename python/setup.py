"""The package is pure Python over libonoma (cffi); this adds its optional
C accelerator, onoma._speedups, when a C compiler, the Python headers and
onoma.h are at hand (ONOMA_INCLUDE, else ../include of the repository).
Without them the package installs all the same and uses cffi alone."""
import os

from setuptools import Extension, setup

here = os.path.dirname(os.path.abspath(__file__))
include = os.environ.get("ONOMA_INCLUDE") or os.path.join(here, "..", "include")
ext = []
if os.path.exists(os.path.join(include, "onoma.h")):
    ext.append(Extension("onoma._speedups", ["onoma/_speedups.c"], include_dirs=[include], optional=True))

setup(ext_modules=ext)
