#include "current_case.h"

#include <QDir>
#include <QFileInfo>
#include <QRegularExpression>

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

QString saveStartPath(const QString& casePath, const QString& stem, const QString& suffix) {
    static const QRegularExpression unsafe(QStringLiteral("[^A-Za-z0-9._-]+"));
    QString safe = stem;
    safe.replace(unsafe, QStringLiteral("_"));
    safe = safe.left(120) + suffix;
    return casePath.isEmpty() ? safe : QFileInfo(casePath).absoluteDir().filePath(safe);
}

QString caseBaseName(const QString& casePath) {
    return QFileInfo(casePath).completeBaseName();
}

} // namespace socwb
