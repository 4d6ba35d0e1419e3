# The Python package (python/onoma): a copy in the build tree that runs as
# it is (PYTHONPATH=build/python), its optional C accelerator, and its
# installation into the site-packages of the Debian python.
#
#   ONOMA_PYTHON             build, test and install the package (default ON)
#   ONOMA_PYTHON_EXECUTABLE  the python (default /usr/bin/python3: the pyenv
#                            python3 on PATH lacks Debian's python3-* modules)
#   ONOMA_PYTHON_INSTALL_DIR where `cmake --install` puts the package, under
#                            the prefix (default: that python's dist-packages)
option(ONOMA_PYTHON "Build, test and install the Python package" ON)
if(NOT ONOMA_PYTHON)
  return()
endif()

find_program(ONOMA_PYTHON_EXECUTABLE NAMES python3 HINTS /usr/bin NO_DEFAULT_PATH)
find_program(ONOMA_PYTHON_EXECUTABLE NAMES python3)
if(NOT ONOMA_PYTHON_EXECUTABLE)
  message(WARNING "python3 not found: the Python package is left out")
  set(ONOMA_PYTHON OFF)
  return()
endif()

execute_process(COMMAND ${ONOMA_PYTHON_EXECUTABLE} -c
  "import sys; print('%d.%d' % sys.version_info[:2]); print(int(any(p.endswith('dist-packages') for p in sys.path)))"
  OUTPUT_VARIABLE _py_out OUTPUT_STRIP_TRAILING_WHITESPACE)
string(REPLACE "\n" ";" _py_out "${_py_out}")
list(GET _py_out 0 ONOMA_PYTHON_VERSION)
execute_process(COMMAND ${ONOMA_PYTHON_EXECUTABLE} -c "import cffi" RESULT_VARIABLE _py_cffi OUTPUT_QUIET ERROR_QUIET)
if(NOT _py_cffi EQUAL 0)
  message(WARNING "${ONOMA_PYTHON_EXECUTABLE} lacks cffi: the Python package will not import and its tests "
                  "will fail. Install python3-cffi (and python3-pytest python3-pandas python3-dask "
                  "python3-distributed for the tests), or configure with -DONOMA_PYTHON=OFF.")
endif()
list(GET _py_out 1 _py_debian)
if(NOT DEFINED ONOMA_PYTHON_INSTALL_DIR)
  if(CMAKE_INSTALL_PREFIX STREQUAL "/usr" AND _py_debian)
    set(_dir lib/python3/dist-packages)               # Debian's own packages (and the .deb)
  elseif(_py_debian)
    set(_dir lib/python${ONOMA_PYTHON_VERSION}/dist-packages)   # /usr/local: on Debian's sys.path
  else()
    set(_dir lib/python${ONOMA_PYTHON_VERSION}/site-packages)
  endif()
  set(ONOMA_PYTHON_INSTALL_DIR ${_dir} CACHE STRING "Where the Python package is installed, under the prefix")
endif()

# The package in the build tree: the sources copied at build time, beside
# the accelerator, with _install.py pointing at the built library.
set(ONOMA_PYTHON_BUILD_DIR ${CMAKE_BINARY_DIR}/python)
file(GLOB ONOMA_PYTHON_SOURCES CONFIGURE_DEPENDS ${CMAKE_SOURCE_DIR}/python/onoma/*.py
                                                ${CMAKE_SOURCE_DIR}/python/onoma/py.typed)
set(_copied)
foreach(f ${ONOMA_PYTHON_SOURCES})
  get_filename_component(n ${f} NAME)
  add_custom_command(OUTPUT ${ONOMA_PYTHON_BUILD_DIR}/onoma/${n}
    COMMAND ${CMAKE_COMMAND} -E copy_if_different ${f} ${ONOMA_PYTHON_BUILD_DIR}/onoma/${n}
    DEPENDS ${f} VERBATIM)
  list(APPEND _copied ${ONOMA_PYTHON_BUILD_DIR}/onoma/${n})
endforeach()
file(GENERATE OUTPUT ${ONOMA_PYTHON_BUILD_DIR}/onoma/_install.py CONTENT
"# Written by CMake: where this copy of the package finds libonoma.
LIBRARY = \"../../lib/$<TARGET_SONAME_FILE_NAME:onoma>\"
")
add_custom_target(onoma_python ALL DEPENDS ${_copied})

# The accelerator (onoma/_speedups.c): needs the Python headers (Debian
# python3-dev); without them the package falls back to cffi alone.
set(Python3_EXECUTABLE ${ONOMA_PYTHON_EXECUTABLE})
find_package(Python3 COMPONENTS Interpreter Development.Module)
if(Python3_Development.Module_FOUND)
  Python3_add_library(onoma_speedups MODULE WITH_SOABI ${CMAKE_SOURCE_DIR}/python/onoma/_speedups.c)
  set_target_properties(onoma_speedups PROPERTIES OUTPUT_NAME _speedups
    LIBRARY_OUTPUT_DIRECTORY ${ONOMA_PYTHON_BUILD_DIR}/onoma C_VISIBILITY_PRESET hidden)
  target_include_directories(onoma_speedups PRIVATE ${CMAKE_SOURCE_DIR}/include)
  # Python's headers are not warning-clean under -Wpedantic
  target_compile_options(onoma_speedups PRIVATE -Wno-pedantic)
  set(ONOMA_PYTHON_SPEEDUPS ON)
else()
  message(WARNING "Python headers not found (Debian: python3-dev): onoma's Python package is built "
                  "without its accelerator; normalize_series is then several times slower")
  set(ONOMA_PYTHON_SPEEDUPS OFF)
endif()

# Installation: the package, the accelerator, and an _install.py with the
# library's path relative to the package (so that a staged or relocated
# tree, as in the .deb, still finds it).
install(DIRECTORY ${CMAKE_SOURCE_DIR}/python/onoma DESTINATION ${ONOMA_PYTHON_INSTALL_DIR}
  FILES_MATCHING PATTERN "*.py" PATTERN "py.typed" PATTERN "__pycache__" EXCLUDE)
if(ONOMA_PYTHON_SPEEDUPS)
  install(TARGETS onoma_speedups LIBRARY DESTINATION ${ONOMA_PYTHON_INSTALL_DIR}/onoma)
endif()
file(RELATIVE_PATH _py_to_lib ${CMAKE_INSTALL_PREFIX}/${ONOMA_PYTHON_INSTALL_DIR}/onoma
                               ${CMAKE_INSTALL_PREFIX}/${CMAKE_INSTALL_LIBDIR})
file(GENERATE OUTPUT ${CMAKE_BINARY_DIR}/python-install/_install.py CONTENT
"# Written by CMake at installation: where the package finds libonoma.
LIBRARY = \"${_py_to_lib}/$<TARGET_SONAME_FILE_NAME:onoma>\"
")
install(FILES ${CMAKE_BINARY_DIR}/python-install/_install.py DESTINATION ${ONOMA_PYTHON_INSTALL_DIR}/onoma)
