// The alert queue as CSV, with the queue's filter and order: what an analyst hands on. Blocking:
// call it in a worker. Returns the rows written; throws std::runtime_error on failure.
#pragma once

#include "alert_table_model.h"

namespace socwb {

qint64 exportAlertsCsv(const QString& casePath, const AlertQuery& query, const QString& outPath);

} // namespace socwb
