# Packaging: a .deb (dependencies from Debian 12) and a .tar.gz, with the desktop entry, the icon
# and the sample data installed beside the two executables.
install(FILES ${CMAKE_SOURCE_DIR}/packaging/socwb.desktop DESTINATION share/applications)
install(FILES ${CMAKE_SOURCE_DIR}/resources/socwb.svg DESTINATION share/icons/hicolor/scalable/apps)
install(DIRECTORY ${CMAKE_SOURCE_DIR}/sample-data/ DESTINATION share/socwb/sample-data)

set(CPACK_PACKAGE_NAME socwb)
set(CPACK_PACKAGE_VENDOR "socwb")
set(CPACK_PACKAGE_CONTACT "socwb maintainers <socwb@localhost>")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "${PROJECT_DESCRIPTION}")
set(CPACK_GENERATOR "DEB;TGZ")
set(CPACK_STRIP_FILES ON) # the build keeps debug info; the packages do not need it
set(CPACK_PACKAGE_FILE_NAME "socwb-${PROJECT_VERSION}-${CMAKE_SYSTEM_PROCESSOR}")
set(CPACK_DEBIAN_PACKAGE_SECTION utils)
set(CPACK_DEBIAN_PACKAGE_DEPENDS
  "libqt6core6, libqt6gui6, libqt6widgets6, libqt6printsupport6, libqt6concurrent6, libqcustomplot2.1-qt6, libspdlog1.10, libsqlite3-0, libpsl5, publicsuffix, libevtx1, libbfio1, libarchive13, zlib1g, libssl3, libsimdjson14")
include(CPack)
