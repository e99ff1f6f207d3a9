// What analysts tune (catalogs, weights, field mappings, suppressions) lives as data files in
// resources/. They are compiled in as Qt resources and can be overridden without rebuilding: a file
// of the same relative path under $SOCWB_RESOURCES or the user's socwb config folder wins.
#pragma once

#include <QByteArray>
#include <QString>
#include <QStringList>

namespace socwb::resources {

inline constexpr qint64 kMaxResourceBytes = 16 * 1024 * 1024;

// The path a resource is read from ("mappings/zscaler-nss-web.json" -> an override or ":/socwb/...").
QString locate(const QString& relative);
// Reads a resource; throws std::runtime_error naming the file when it cannot be read or is larger
// than maxBytes (an override is a file anyone can point at /dev/zero).
QByteArray read(const QString& relative, qint64 maxBytes = kMaxResourceBytes);
// The copy compiled into the program, never an override: the schema an override is checked against.
QByteArray readBuiltIn(const QString& relative);
// Reads any file handed in (a --config, a suppression file) up to maxBytes; throws
// std::runtime_error naming the file and the limit when it is larger or cannot be read.
QByteArray readFile(const QString& path, qint64 maxBytes);
// Whether the English plural forms of tr("%n ...") were installed as the QCoreApplication started.
bool pluralFormsLoaded();
// Relative paths of the resources under a folder ("mappings"), overrides included, sorted.
QStringList list(const QString& folder);

} // namespace socwb::resources
