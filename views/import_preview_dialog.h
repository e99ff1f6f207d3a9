// Before anything is written: each file to import with its size, the detected format (the
// analyst may override it), the time zone for formats that log local time, and its first lines.
// Detection runs in a worker. The zone of a local-time log is asked, never assumed: no zone is
// selected, the machine's is offered first (then the one chosen before in this case, then UTC), and
// Import stays disabled until every such file has one.
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

    // rememberedTimeZone: the zone the analyst chose before in this case (empty: none); offered, not
    // selected.
    ImportPreviewDialog(const QStringList& paths, const QString& rememberedTimeZone, QWidget* parent = nullptr);
    // The files to import with the chosen format and zone; files left without a format are skipped.
    QVector<ImportPlanItem> plan() const;
    bool isReady() const { return ready_; }
    QTableWidget* table() const { return table_; }
    QPushButton* importButton() const { return import_; }
    // Rows whose format logs local time and that have no zone yet.
    int rowsWithoutZone() const;
    // Files (or archive members) that would be imported: those with a format.
    int rowsToImport() const;
    QString summaryText() const;
    QString shownLines() const; // the pane under the table: the current file's first lines

  signals:
    void ready();

  private:
    void populate(const QVector<ImportPlanItem>& items);
    void showLines(int row);
    void updateSummary();

    QVector<ImportPlanItem> items_;
    QString rememberedTz_;
    QString baseSummary_;
    QTableWidget* table_;
    QPlainTextEdit* lines_;
    QLabel* summary_;
    QPushButton* import_;
    bool ready_ = false;
};

} // namespace socwb
