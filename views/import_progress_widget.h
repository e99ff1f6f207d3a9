// Status-bar strip that follows a background import: file, progress, records, rejects, Cancel.
#pragma once

#include "ingest/importer.h"

#include <QWidget>

class QLabel;
class QProgressBar;
class QPushButton;

namespace socwb {

class ImportProgressWidget : public QWidget {
    Q_OBJECT
public:
    explicit ImportProgressWidget(QWidget* parent = nullptr);
    void showProgress(const ImportProgress& p);

signals:
    void cancelRequested();

private:
    QLabel* label_;
    QProgressBar* bar_;
    QPushButton* cancel_;
};

} // namespace socwb
