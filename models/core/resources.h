// What analysts tune (catalogs, weights, field mappings, suppressions) lives as data files in
// resources/. They are compiled in as Qt resources and can be overridden without rebuilding: a file
// of the same relative path under $SOCWB_RESOURCES or the user's socwb config folder wins.
#pragma once

#include <QByteArray>
#include <QString>
#include <QStringList>

namespace socwb::resources {

// The path a resource is read from ("mappings/zscaler-nss-web.json" -> an override or ":/socwb/...").
QString locate(const QString& relative);
// Reads a resource; throws std::runtime_error naming the file when it cannot be read.
QByteArray read(const QString& relative);
// Relative paths of the resources under a folder ("mappings"), overrides included, sorted.
QStringList list(const QString& folder);

} // namespace socwb::resources
