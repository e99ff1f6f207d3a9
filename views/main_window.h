// The workbench window: the case overview in the middle, triage docks around it, menus, a status
// bar that follows background imports. Drop log files on it to import them.
#pragma once

#include <QMainWindow>

#include <memory>

namespace socwb {

class CaseOverviewWidget;
class CaseStore;
class ImportJob;
class ImportProgressWidget;
struct ImportResult;

class MainWindow : public QMainWindow {
    Q_OBJECT
public:
    explicit MainWindow(QWidget* parent = nullptr);
    ~MainWindow() override;

    // Opens (or creates) a case; on failure shows a dialog and returns false — nothing is written.
    bool openCase(const QString& path);
    // Imports files into the open case in the background.
    void importFiles(const QStringList& paths);
    bool isImporting() const;
    // Names the dock layout's views for --view; returns false for an unknown name.
    bool showView(const QString& name);
    static QStringList viewNames();

signals:
    void caseLoaded();
    void importsFinished();

protected:
    void dragEnterEvent(QDragEnterEvent* event) override;
    void dropEvent(QDropEvent* event) override;
    void closeEvent(QCloseEvent* event) override;

private:
    void buildMenus();
    void buildDocks();
    void refresh();
    void onImportFinished(const QList<ImportResult>& results);
    void chooseCase(bool create);
    void chooseEvidence();

    std::unique_ptr<CaseStore> store_;
    std::unique_ptr<ImportJob> job_;
    CaseOverviewWidget* overview_;
    ImportProgressWidget* progress_;
};

} // namespace socwb
