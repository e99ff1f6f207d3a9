// What an analyst hands on, as CSV (a spreadsheet, a ticket) or JSON (a script, a SOAR): the alert
// queue with the queue's filter and order, and one channel's requests. Evidence text stays text: CSV
// cells are quoted and defused against formulas (plain_text.h's csvCell), JSON values are strings.
// Blocking: call them in a worker. Each returns the rows written and throws std::runtime_error (or
// SqlError) on failure; a file is written whole or not at all.
#pragma once

#include "alert_table_model.h"

#include <cstdint>
#include <vector>

class QIODevice;
struct sqlite3;

namespace socwb {

enum class ExportFormat { Csv, Json };

// By the file name's suffix: .json is JSON, anything else CSV.
ExportFormat exportFormatForPath(const QString& path);

qint64 writeAlerts(sqlite3* db, const AlertQuery& query, QIODevice& out, ExportFormat format);
qint64 exportAlerts(const QString& casePath, const AlertQuery& query, const QString& outPath, ExportFormat format);

// The channel's proxy requests in the order the alert detail lists them, with the process each was tied to
// and how.
qint64 writeChannelRequests(sqlite3* db, const std::vector<int64_t>& proxyIds, QIODevice& out, ExportFormat format);
qint64 exportChannelRequests(const QString& casePath, const std::vector<int64_t>& proxyIds, const QString& outPath,
                             ExportFormat format);

// The proxy request ids of the channel with this alert id or channel key; throws std::invalid_argument
// when the case has no such channel.
std::vector<int64_t> channelProxyIds(sqlite3* db, const QString& idOrKey);

} // namespace socwb
