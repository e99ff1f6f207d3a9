#include "case_windows.h"

#include "main_window.h"
#include "store/case_store.h"

#include <QApplication>
#include <QFileInfo>
#include <QTimer>

namespace socwb::caseWindows {

namespace {
QString sameFile(const QString& path) {
    const QFileInfo fi(path);
    const QString canonical = fi.canonicalFilePath();
    return canonical.isEmpty() ? fi.absoluteFilePath() : canonical;
}

QList<MainWindow*> windows() {
    QList<MainWindow*> list;
    for (QWidget* w : QApplication::topLevelWidgets()) {
        if (auto* m = qobject_cast<MainWindow*>(w); m && m->isVisible()) {
            list << m;
        }
    }
    return list;
}
} // namespace

MainWindow* windowWith(const QString& casePath) {
    const QString wanted = sameFile(casePath);
    for (MainWindow* w : windows()) {
        if (w->caseStore() && sameFile(w->caseStore()->path()) == wanted) {
            return w;
        }
    }
    return nullptr;
}

void raise(QWidget* window) {
    window->setWindowState((window->windowState() & ~Qt::WindowMinimized) | Qt::WindowActive);
    window->show();
    window->raise();
    window->activateWindow();
}

SingleInstance::Reply show(const QString& casePath) {
    const QList<MainWindow*> open = windows();
    if (casePath.isEmpty()) {
        if (open.isEmpty()) {
            return {QStringLiteral("error"), QStringLiteral("the running socwb has no window")};
        }
        QWidget* active = QApplication::activeWindow();
        raise(open.contains(active) ? active : open.first());
        return {QStringLiteral("raised"), QStringLiteral("raised the running socwb's window")};
    }
    if (MainWindow* w = windowWith(casePath)) {
        raise(w);
        return {QStringLiteral("raised"),
                QStringLiteral("%1 is open in a running socwb; raised its window").arg(casePath)};
    }
    MainWindow* target = nullptr;
    for (MainWindow* w : open) {
        if (!w->caseStore() && !w->isImporting()) {
            target = w;
            break;
        }
    }
    if (!target) {
        target = new MainWindow;
        target->setAttribute(Qt::WA_DeleteOnClose);
        target->show();
        if (!target->restoreLayout()) {
            target->emphasizeView(QStringLiteral("alerts"));
        }
    }
    raise(target);
    // Opening may ask (an older case's upgrade, a damaged file): after the answer has gone out.
    const QString path = casePath;
    QTimer::singleShot(0, target, [target, path] { target->openCase(path); });
    return {QStringLiteral("opened"), QStringLiteral("%1 opens in a window of the running socwb").arg(casePath)};
}

} // namespace socwb::caseWindows
