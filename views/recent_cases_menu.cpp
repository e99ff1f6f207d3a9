#include "recent_cases_menu.h"

#include "core/recent_cases.h"

#include <QDir>
#include <QFileInfo>

namespace socwb {

namespace {
constexpr int kFolderChars = 60;
}

RecentCasesMenu::RecentCasesMenu(QWidget* parent) : QMenu(tr("Open &recent"), parent) {
    setObjectName(QStringLiteral("recentCasesMenu"));
    setToolTipsVisible(true);
    connect(this, &QMenu::aboutToShow, this, &RecentCasesMenu::rebuild);
}

QString RecentCasesMenu::label(const QString& path) {
    const QFileInfo fi(path);
    QString folder = QDir::toNativeSeparators(fi.absolutePath());
    const QString home = QDir::toNativeSeparators(QDir::homePath());
    if (!home.isEmpty() && home != QLatin1String("/") &&
        (folder == home || folder.startsWith(home + QDir::separator()))) {
        folder = QLatin1Char('~') + folder.mid(home.size());
    }
    if (folder.size() > kFolderChars) { // keep the start and the folder the case is in
        folder = folder.left(kFolderChars / 3) + QChar(0x2026) + folder.right(kFolderChars * 2 / 3);
    }
    return QStringLiteral("%1 \u2014 %2").arg(fi.fileName(), folder);
}

void RecentCasesMenu::rebuild() {
    clear();
    const QList<RecentCases::Entry> entries = RecentCases().entries();
    for (int i = 0; i < entries.size(); ++i) {
        const RecentCases::Entry& e = entries[i];
        // '&' in a file name is text, not a mnemonic; the first nine get their number as one.
        QString text = label(e.path).replace(QLatin1Char('&'), QStringLiteral("&&"));
        if (i < 9) {
            text = QStringLiteral("&%1 %2").arg(i + 1).arg(text);
        }
        if (!e.exists) {
            text += tr(" (not found)");
        }
        QAction* a = addAction(text);
        a->setData(e.path);
        a->setToolTip(e.path);
        a->setEnabled(e.exists);
        const QString path = e.path;
        connect(a, &QAction::triggered, this, [this, path] { emit caseChosen(path); });
    }
    if (entries.isEmpty()) {
        addAction(tr("No recent cases"))->setEnabled(false);
        return;
    }
    addSeparator();
    addAction(tr("&Clear this list"), this, [] { RecentCases().clear(); });
}

} // namespace socwb
