#include "current_case.h"

namespace socwb {

void CurrentCase::setCase(const QString& path) {
    ++generation_;
    alertId_ = 0;
    path_ = path;
    emit caseChanged(path);
    emit alertChanged(0);
}

void CurrentCase::setAlert(qint64 alertId) {
    if (alertId == alertId_) {
        return;
    }
    alertId_ = alertId;
    emit alertChanged(alertId);
}

} // namespace socwb
