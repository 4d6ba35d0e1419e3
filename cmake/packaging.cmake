# What a user gets beyond the library: man pages, bash completion, and the
# Debian package (cpack -G DEB). The library, header, onoma.pc, the CMake
# package and the tables are installed by the main CMakeLists.txt; the
# Python package by cmake/python.cmake.

# Man pages, gzipped as Debian ships them (man reads them either way).
find_program(ONOMA_GZIP gzip)
foreach(page onoma.1 onoma.3)
  string(REGEX REPLACE ".*\\." "" section ${page})
  if(ONOMA_GZIP)
    add_custom_command(OUTPUT ${CMAKE_BINARY_DIR}/man/${page}.gz
      COMMAND ${CMAKE_COMMAND} -E make_directory ${CMAKE_BINARY_DIR}/man
      COMMAND ${ONOMA_GZIP} -9nc ${CMAKE_SOURCE_DIR}/man/${page} > ${CMAKE_BINARY_DIR}/man/${page}.gz
      DEPENDS ${CMAKE_SOURCE_DIR}/man/${page})
    list(APPEND ONOMA_MAN_PAGES ${CMAKE_BINARY_DIR}/man/${page}.gz)
    install(FILES ${CMAKE_BINARY_DIR}/man/${page}.gz DESTINATION ${CMAKE_INSTALL_MANDIR}/man${section})
  else()
    install(FILES ${CMAKE_SOURCE_DIR}/man/${page} DESTINATION ${CMAKE_INSTALL_MANDIR}/man${section})
  endif()
endforeach()
if(ONOMA_MAN_PAGES)
  add_custom_target(onoma_man ALL DEPENDS ${ONOMA_MAN_PAGES})
endif()

# bash-completion loads completions/COMMAND on demand.
install(FILES ${CMAKE_SOURCE_DIR}/completion/onoma.bash DESTINATION ${CMAKE_INSTALL_DATADIR}/bash-completion/completions
  RENAME onoma)

# The Debian package: everything above, installed under /usr.
set(CPACK_GENERATOR DEB)
set(CPACK_PACKAGE_NAME onoma)
set(CPACK_PACKAGE_VENDOR onoma)
set(CPACK_PACKAGE_CONTACT "onoma maintainers <onoma@invalid>")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "${PROJECT_DESCRIPTION}")
set(CPACK_PACKAGE_DESCRIPTION "onoma rewrites variant spellings of the names of people, places and
organisations to one canonical form, from the command line (onoma), from C
(libonoma, onoma.h, pkg-config onoma, CMake onoma::onoma) and from Python
(import onoma; pandas and Dask helpers). Bundled name tables included.")
set(CPACK_PACKAGE_HOMEPAGE_URL "https://example.invalid/onoma")
set(CPACK_RESOURCE_FILE_LICENSE ${CMAKE_SOURCE_DIR}/LICENSE)
set(CPACK_PACKAGING_INSTALL_PREFIX /usr)
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_SECTION text)
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON) # libc6, libicu72 ... from the binaries
set(CPACK_DEBIAN_PACKAGE_RECOMMENDS "python3, python3-cffi")
set(CPACK_DEBIAN_PACKAGE_SUGGESTS "python3-pandas, python3-dask, python3-distributed, bash-completion")
set(CPACK_STRIP_FILES ON)
include(CPack)
