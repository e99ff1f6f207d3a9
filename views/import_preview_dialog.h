// Before anything is written: each file to import with its size, the detected format (the
// analyst may override it), the time zone for formats that log local time (remembered per case),
// and its first lines. Detection runs in a worker; Import is enabled once it is done.
#pragma once

#include "import/import_plan.h"

#include <QDialog>

class QLabel;
class QPlainTextEdit;
class QPushButton;
class QTableWidget;

namespace socwb {

class ImportPreviewDialog : public QDialog {
    Q_OBJECT
  public:
    enum Column { FileColumn, SizeColumn, FormatColumn, TimeZoneColumn, ColumnCount };

    // defaultTimeZone: the zone last used with this case (or the system's).
    ImportPreviewDialog(const QStringList& paths, const QString& defaultTimeZone, QWidget* parent = nullptr);
    // The files to import with the chosen format and zone; files left without a format are skipped.
    QVector<ImportPlanItem> plan() const;
    bool isReady() const { return ready_; }
    QTableWidget* table() const { return table_; }

  signals:
    void ready();

  private:
    void populate(const QVector<ImportPlanItem>& items);
    void showLines(int row);

    QVector<ImportPlanItem> items_;
    QString defaultTz_;
    QTableWidget* table_;
    QPlainTextEdit* lines_;
    QLabel* summary_;
    QPushButton* import_;
    bool ready_ = false;
};

} // namespace socwb
