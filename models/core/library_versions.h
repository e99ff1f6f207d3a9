// The versions socwb runs with, for --version, Help → About and support tickets: its own (from
// CMake's project VERSION, the one place it is set) and those of the libraries it is linked with,
// asked of each library at run time where it can say (Qt, SQLite, libpsl, libevtx, zlib, OpenSSL).
#pragma once

#include <QList>
#include <QString>

namespace socwb {

struct LibraryVersion {
    QString name;
    QString version;   // what the library reports at run time
    QString builtWith; // the header's version at build time, where it differs
};

QString applicationVersion();
QList<LibraryVersion> libraryVersions();
// "Qt 6.4.2, SQLite 3.40.1, ..." on one line.
QString libraryVersionLine(const QList<LibraryVersion>& versions);

} // namespace socwb
