// The one owner of "the current case" and "the current alert" (issue 28): every view, dock, task
// row and dialog of the window takes both from here and resets, reloads or labels itself when
// either changes, so nothing shown outlives the case or the alert it belongs to.
#pragma once

#include <QObject>
#include <QString>

namespace socwb {

class CurrentCase : public QObject {
    Q_OBJECT
  public:
    using QObject::QObject;

    QString path() const { return path_; }
    qint64 alertId() const { return alertId_; }
    // Bumped on every change of case: work started for one case compares it before it shows.
    quint64 generation() const { return generation_; }

    // Another case (an empty path: none). The alert goes first: views forget it, then the case.
    void setCase(const QString& path);
    // The alert the analyst is on (0: none); nothing is emitted when it stays the same.
    void setAlert(qint64 alertId);

  signals:
    void caseChanged(const QString& path);
    void alertChanged(qint64 alertId);

  private:
    QString path_;
    qint64 alertId_ = 0;
    quint64 generation_ = 0;
};

// Where a save or open dialog starts: STEM + SUFFIX ("case-report" + ".pdf") in the case's folder
// (an analyst keeps a case's reports and exports beside it), or alone (the working folder) with no
// case. STEM may come from evidence (a host, a destination), so only its letters, digits, '.', '-'
// and '_' are kept, each run of anything else becomes one '_', and it is cut to 120 characters.
QString saveStartPath(const QString& casePath, const QString& stem, const QString& suffix);
// The case file's name without its suffix ("case" for /cases/case.socwb), for suggested names.
QString caseBaseName(const QString& casePath);

} // namespace socwb
