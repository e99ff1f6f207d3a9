#include "import/collection_layout.h"

#include <QDir>
#include <QDirIterator>
#include <QFileInfo>
#include <QRegularExpression>

#include <algorithm>

namespace socwb::collection_layout {

namespace {

const QRegularExpression& eventLogFolder() {
    static const QRegularExpression re(QStringLiteral("(^|[/\\\\])winevt[/\\\\]logs[/\\\\][^/\\\\]+\\.evtx$"),
                                       QRegularExpression::CaseInsensitiveOption);
    return re;
}

bool matchesAny(const QStringList& globs, const QString& relative) {
    const QString name = relative.section(QLatin1Char('/'), -1);
    for (const QString& g : globs) {
        // Qt's path mode: * and ? stop at "/", so "logs/*.gz" means that folder only.
        const QRegularExpression anchored = QRegularExpression::fromWildcard(g, Qt::CaseSensitive);
        if (anchored.match(relative).hasMatch() || anchored.match(name).hasMatch()) {
            return true;
        }
    }
    return false;
}

bool isExerciseFolder(const QDir& d) {
    return d.exists(QStringLiteral("evidence")) && QFileInfo(d.filePath(QStringLiteral("evidence"))).isDir() &&
           (d.exists(QStringLiteral("truth.json")) || d.exists(QStringLiteral("BRIEF.md")));
}

} // namespace

bool isOsMetadata(const QString& relativePath) {
    static const QStringList kNames{QStringLiteral(".DS_Store"), QStringLiteral("Thumbs.db"),
                                    QStringLiteral("desktop.ini"), QStringLiteral("ehthumbs.db")};
    const QStringList parts = relativePath.split(QRegularExpression(QStringLiteral("[/\\\\]")), Qt::SkipEmptyParts);
    for (const QString& part : parts) {
        if (part == QLatin1String("__MACOSX") || (part.startsWith(QLatin1Char('.')) && part != QLatin1String(".."))) {
            return true;
        }
    }
    return !parts.isEmpty() && kNames.contains(parts.last(), Qt::CaseInsensitive);
}

QString eventLogChannel(const QString& path) {
    QString name = path.section(QRegularExpression(QStringLiteral("[/\\\\]")), -1);
    if (name.endsWith(QLatin1String(".evtx"), Qt::CaseInsensitive)) {
        name.chop(5);
    }
    return name.replace(QLatin1String("%4"), QLatin1String("/"));
}

QString memberSkipReason(const QString& path) {
    if (!eventLogFolder().match(path).hasMatch()) {
        return {};
    }
    const QString channel = eventLogChannel(path);
    if (channel.compare(QLatin1String("Microsoft-Windows-Sysmon/Operational"), Qt::CaseInsensitive) == 0) {
        return {};
    }
    return QStringLiteral("Windows event log channel %1 in a collection's event log folder: not imported (only "
                          "the Sysmon channel is)")
        .arg(channel);
}

namespace {
// logrotate: NAME.N or NAME.N.gz (.bz2, .xz, .zst, .lz4); NAME alone is the newest (0).
std::pair<QString, int> rotation(const QString& path) {
    static const QRegularExpression rotated(QStringLiteral("^(.*)\\.(\\d{1,6})(\\.(gz|bz2|xz|zst|lz4))?$"));
    const QRegularExpressionMatch m = rotated.match(path);
    return m.hasMatch() ? std::pair{m.captured(1), m.captured(2).toInt()} : std::pair{path, 0};
}
} // namespace

QString importOrderKey(const QString& path) {
    const auto [name, n] = rotation(path);
    return name + QStringLiteral("\x01") + QStringLiteral("%1").arg(999999 - n, 6, 10, QLatin1Char('0'));
}

QHash<QString, QString> rotationPredecessors(const QStringList& paths) {
    QHash<QString, QStringList> sequences;
    for (const QString& p : paths) {
        sequences[rotation(p).first] << p;
    }
    QHash<QString, QString> before;
    for (QStringList& s : sequences) {
        if (s.size() < 2) {
            continue;
        }
        std::sort(s.begin(), s.end(), [](const QString& a, const QString& b) {
            return importOrderKey(a) < importOrderKey(b); // the highest number, the oldest, first
        });
        for (qsizetype i = 1; i < s.size(); ++i) {
            if (s[i] != s[i - 1]) {
                before.insert(s[i], s[i - 1]);
            }
        }
    }
    return before;
}

Expanded expand(const QStringList& paths, const QStringList& include, const QStringList& exclude) {
    Expanded out;
    QStringList channelsLeftOut;
    QString eventLogDir;
    for (const QString& p : paths) {
        const QFileInfo fi(p);
        if (!fi.isDir()) {
            if (fi.exists() || fi.isSymLink()) {
                out.files << fi.absoluteFilePath();
            } else {
                out.files << p; // the importer says what is wrong with it
            }
            continue;
        }
        QDir root(fi.absoluteFilePath());
        QDir walkFrom = root;
        if (isExerciseFolder(root)) {
            walkFrom = QDir(root.filePath(QStringLiteral("evidence")));
            out.notes << QStringLiteral("%1: an exercise folder: only evidence/ is imported (BRIEF.md and "
                                        "truth.json are the exercise's own)")
                             .arg(root.dirName());
        }
        QStringList files;
        QDirIterator it(walkFrom.absolutePath(), QDir::Files | QDir::Hidden | QDir::System | QDir::NoDotAndDotDot,
                        QDirIterator::Subdirectories);
        while (it.hasNext()) {
            const QString f = it.next();
            const QString relative = root.relativeFilePath(f);
            if (isOsMetadata(relative)) {
                continue;
            }
            if ((!include.isEmpty() && !matchesAny(include, relative)) || matchesAny(exclude, relative)) {
                continue;
            }
            if (!memberSkipReason(relative).isEmpty()) {
                channelsLeftOut << eventLogChannel(relative);
                eventLogDir = QFileInfo(relative).path();
                continue;
            }
            files << f;
        }
        std::sort(files.begin(), files.end(),
                  [](const QString& a, const QString& b) { return importOrderKey(a) < importOrderKey(b); });
        out.files << files;
    }
    out.files.removeDuplicates();
    if (!channelsLeftOut.isEmpty()) {
        channelsLeftOut.sort();
        out.notes << QStringLiteral("%1: Windows event log folder of a collection: only the Sysmon channel is "
                                    "imported; present and not imported: %2")
                         .arg(eventLogDir, channelsLeftOut.join(QStringLiteral(", ")));
    }
    return out;
}

QStringList archiveNotes(const QVector<ImportMemberResult>& members, const QStringList& channelsLeftOut) {
    QStringList notes;
    if (!channelsLeftOut.isEmpty()) {
        QStringList sorted = channelsLeftOut;
        sorted.sort();
        notes << QStringLiteral("Windows event log folder of a collection: only the Sysmon channel is imported; "
                                "present and not imported: %1")
                     .arg(sorted.join(QStringLiteral(", ")));
    }
    Q_UNUSED(members);
    return notes;
}

} // namespace socwb::collection_layout
