# Packaging: a .deb and a .tar.gz of what `cmake --install` puts in place (packaging/CMakeLists.txt
# says what that is beside the two executables).
#
# The .deb's dependencies are computed, not written: dpkg-shlibdeps reads the libraries the
# executables link and names their packages (with the versions they need). Only what no linker
# sees is listed by hand: the data packages the code reads at run time. The test `deb_dependencies`
# checks that every library the installed programs load belongs to a package this closure brings in.
set(CPACK_PACKAGE_NAME socwb)
set(CPACK_PACKAGE_VENDOR "socwb")
set(CPACK_PACKAGE_CONTACT "${SOCWB_MAINTAINER}")
set(CPACK_PACKAGE_VERSION "${PROJECT_VERSION}")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "investigation workbench for command channels over web services")
set(CPACK_GENERATOR "DEB;TGZ")
set(CPACK_STRIP_FILES ON) # the build keeps debug info; the packages do not need it
set(CPACK_PACKAGE_FILE_NAME "socwb-${PROJECT_VERSION}-${CMAKE_SYSTEM_PROCESSOR}")

set(CPACK_DEBIAN_PACKAGE_MAINTAINER "${SOCWB_MAINTAINER}")
set(CPACK_DEBIAN_PACKAGE_SECTION net)
set(CPACK_DEBIAN_PACKAGE_PRIORITY optional)
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
# publicsuffix: the Public Suffix List libpsl reads from /usr/share/publicsuffix (without it libpsl
# falls back to the list it was built with, months older).
set(CPACK_DEBIAN_PACKAGE_DEPENDS "publicsuffix")
# Opening a case with a double-click needs the desktop's MIME database; the rest is for a desktop
# that has them (a server running socwb-cli does not need any).
set(CPACK_DEBIAN_PACKAGE_RECOMMENDS "shared-mime-info, desktop-file-utils")
set(CPACK_DEBIAN_PACKAGE_SUGGESTS "bash-completion, sqlite3")
# The description Debian shows under the summary line (CPack indents it and turns the empty line
# into the " ." that separates paragraphs).
set(CPACK_DEBIAN_PACKAGE_DESCRIPTION "socwb is a desktop workbench for SOC analysts and incident responders who
suspect that a host takes orders from pastebin, GitHub, Telegram, Google Docs
or another popular web service (MITRE ATT&CK T1102.003). It imports proxy,
DNS and Sysmon logs into one SQLite case file, joins hosts and processes to
requests, and ranks every channel by how much it looks like a command
channel, each score explained factor by factor.

The package holds the window (socwb) and the command-line front end
(socwb-cli) that scripts use to import, score and list alerts.")
include(CPack)
