// Export → Hunt…: the selected channel's behaviour (or every catalogued service's) as a query for
// the SIEM that holds the fleet's logs, in SPL, KQL or ES|QL (models/hunt), shown read-only in a
// monospace editor with a Copy button.
#pragma once

#include "hunt/hunt_query.h"
#include "hunt/hunt_spec.h"

#include <QDialog>

#include <optional>

struct sqlite3;
class QComboBox;
class QLabel;
class QPlainTextEdit;

namespace socwb {

class HuntDialog : public QDialog {
    Q_OBJECT
  public:
    // Builds both hunts from the open case (one small query on the caller's connection): the
    // channel's when channelId > 0, and the whole catalog's.
    HuntDialog(sqlite3* db, qint64 channelId, QWidget* parent = nullptr);

    // Opens the dialog (modeless, deleted on close) over the window.
    static HuntDialog* showFor(QWidget* parent, sqlite3* db, qint64 channelId);

    QString queryText() const;
    void setLanguage(hunt::HuntLanguage language);

  private:
    void refresh();

    std::optional<hunt::HuntSpec> channel_;
    std::optional<hunt::HuntSpec> catalog_;
    QString problem_;
    QComboBox* scope_ = nullptr;
    QComboBox* language_ = nullptr;
    QLabel* origin_ = nullptr;
    QPlainTextEdit* text_ = nullptr;
};

} // namespace socwb
