# What `cmake --install` puts besides the programs (each service's
# CMakeLists.txt installs its own), and the Debian package built from it
# with CPack:
#   cmake -S . -B build-deb -DCMAKE_INSTALL_PREFIX=/usr -DOPCAT_TESTS=OFF
#   cmake --build build-deb -j2 && (cd build-deb && cpack -G DEB)
# (scripts/package does both).

# The embedded dataset, flat in PREFIX/share/opcat (states.jsonl,
# regions.tsv, state-names-zh.tsv, ...), as the programs look for it.
install(DIRECTORY ${CMAKE_SOURCE_DIR}/data/
        DESTINATION ${OPCAT_INSTALL_SHAREDIR})

# Docs: the README, the license and the design notes.
install(FILES ${CMAKE_SOURCE_DIR}/README.md ${CMAKE_SOURCE_DIR}/LICENSE
        DESTINATION ${OPCAT_INSTALL_DOCDIR})
file(GLOB OPCAT_DOCS ${CMAKE_SOURCE_DIR}/docs/*.md)
if(OPCAT_DOCS) # not in a container build's context (.dockerignore)
  install(FILES ${OPCAT_DOCS} DESTINATION ${OPCAT_INSTALL_DOCDIR})
endif()
# Debian's place for the license text
install(FILES ${CMAKE_SOURCE_DIR}/LICENSE DESTINATION ${OPCAT_INSTALL_DOCDIR}
        RENAME copyright)
# the settings the units read (EnvironmentFile=-/etc/default/opcat), as an
# example to copy there
install(FILES ${CMAKE_SOURCE_DIR}/scripts/packaging/default-opcat
        DESTINATION ${OPCAT_INSTALL_DOCDIR}/examples)

# systemd units, one next to each daemon, with this build's paths.
set(OPCAT_UNITS)
foreach(d stored reminderd aggregated notifyd gatewayd)
  configure_file(${CMAKE_SOURCE_DIR}/services/${d}/opcat-${d}.service
                 ${CMAKE_BINARY_DIR}/units/opcat-${d}.service @ONLY)
  list(APPEND OPCAT_UNITS ${CMAKE_BINARY_DIR}/units/opcat-${d}.service)
endforeach()
configure_file(${CMAKE_SOURCE_DIR}/services/opcat.target
               ${CMAKE_BINARY_DIR}/units/opcat.target COPYONLY)
list(APPEND OPCAT_UNITS ${CMAKE_BINARY_DIR}/units/opcat.target)
install(FILES ${OPCAT_UNITS} DESTINATION lib/systemd/system)

# ------------------------------------------------------------------ CPack
set(CPACK_GENERATOR DEB)
set(CPACK_PACKAGE_NAME opcat)
set(CPACK_PACKAGE_VENDOR "opcat-pipeline")
set(CPACK_PACKAGE_CONTACT "opcat-pipeline maintainers <opcat@localhost>")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY
    "event pipeline for the OPCAT prevention-of-torture system")
set(CPACK_PACKAGE_DESCRIPTION
    "Small daemons over ZeroMQ and LMDB: the event store, the reminder, \
aggregation and notification services, the HTTP gateway with its \
dashboard, and opcatctl.  Licensed under the MIT license.")
set(CPACK_RESOURCE_FILE_LICENSE ${CMAKE_SOURCE_DIR}/LICENSE)
set(CPACK_PACKAGING_INSTALL_PREFIX ${CMAKE_INSTALL_PREFIX})
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_STRIP_FILES ON)
set(CPACK_DEBIAN_PACKAGE_SECTION net)
set(CPACK_DEBIAN_PACKAGE_HOMEPAGE "https://www.ohchr.org/en/treaty-bodies/spt")
# the shared libraries the programs link, found by dpkg-shlibdeps; what
# they read or run besides: ISO codes, useradd, mdb_copy for backups
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
set(CPACK_DEBIAN_PACKAGE_DEPENDS "iso-codes, passwd")
set(CPACK_DEBIAN_PACKAGE_RECOMMENDS "lmdb-utils, ca-certificates")
set(CPACK_DEBIAN_PACKAGE_CONTROL_EXTRA
    ${CMAKE_SOURCE_DIR}/scripts/packaging/postinst ${CMAKE_SOURCE_DIR}/scripts/packaging/postrm)
set(CPACK_DEBIAN_PACKAGE_CONTROL_STRICT_PERMISSION ON)
if(NOT CMAKE_INSTALL_PREFIX STREQUAL "/usr")
  message(STATUS "CPack: the package installs in ${CMAKE_INSTALL_PREFIX} "
                 "(configure with -DCMAKE_INSTALL_PREFIX=/usr for /usr/bin)")
endif()
include(CPack)
