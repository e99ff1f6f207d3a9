// "Suppress similar" (s in the queue): this host, this role or every host, each with how many
// channels it would hide and how many of them are above medium; OK only with a reason (issue 18).
#pragma once

#include "scoring/suppress_similar.h"

#include <QDialog>

#include <array>

class QLabel;
class QPlainTextEdit;
class QPushButton;
class QRadioButton;

namespace socwb {

class SuppressSimilarDialog : public QDialog {
    Q_OBJECT
  public:
    // DB is read for the counts; KEYS are the channels selected.
    SuppressSimilarDialog(sqlite3* db, const QStringList& keys, QWidget* parent = nullptr);
    scoring::SuppressScope scope() const;
    void setScope(scoring::SuppressScope scope);
    QString reason() const;
    void setReason(const QString& reason);
    // The text beside each scope ("this host (WS01): hides 3 channels, 1 above medium").
    QString scopeText(scoring::SuppressScope scope) const;

  private:
    std::array<QRadioButton*, 3> scopes_{};
    QPlainTextEdit* reason_;
    QPushButton* ok_;
};

} // namespace socwb
