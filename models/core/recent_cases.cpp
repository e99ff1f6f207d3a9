#include "recent_cases.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QSettings>
#include <QStandardPaths>
#include <QVariantMap>

#include <algorithm>
#include <climits>
#include <glib.h>

namespace socwb {

namespace {

const char* kListKey = "recentCases";      // the list the window kept before the desktop's was read
const char* kTimesKey = "recentCasesUsed"; // path -> when it was last opened here
constexpr int kOwnMax = 10;
// A recently-used.xbel grows with every file any application opens; past this it is not ours to parse.
constexpr qint64 kMaxXbelBytes = 32 << 20;

struct Bookmarks {
    GBookmarkFile* file = g_bookmark_file_new();
    Bookmarks() = default;
    Bookmarks(const Bookmarks&) = delete;
    Bookmarks& operator=(const Bookmarks&) = delete;
    ~Bookmarks() { g_bookmark_file_free(file); }
};

QString takeError(GError* error) {
    const QString message = error ? QString::fromUtf8(error->message) : QStringLiteral("unknown error");
    g_clear_error(&error);
    return message;
}

// Reads the desktop's list; true when it was read, or does not exist or is empty (a list to start).
bool load(Bookmarks& b, const QString& path, QString& problem) {
    const QFileInfo fi(path);
    if (!fi.exists() || fi.size() == 0) {
        return true;
    }
    if (fi.size() > kMaxXbelBytes) {
        problem = QStringLiteral("%1 is larger than %2 MiB; not read").arg(path).arg(kMaxXbelBytes >> 20);
        return false;
    }
    GError* error = nullptr;
    if (!g_bookmark_file_load_from_file(b.file, QFile::encodeName(path).constData(), &error)) {
        problem = QStringLiteral("%1 cannot be read: %2").arg(path, takeError(error));
        return false;
    }
    return true;
}

bool save(Bookmarks& b, const QString& path, QString& problem) {
    QDir().mkpath(QFileInfo(path).absolutePath());
    GError* error = nullptr;
    if (!g_bookmark_file_to_file(b.file, QFile::encodeName(path).constData(), &error)) {
        problem = QStringLiteral("%1 cannot be written: %2").arg(path, takeError(error));
        return false;
    }
    return true;
}

QByteArray uriOf(const QString& path) {
    gchar* uri = g_filename_to_uri(QFile::encodeName(path).constData(), nullptr, nullptr);
    const QByteArray result(uri ? uri : "");
    g_free(uri);
    return result;
}

// The local file an entry names, when it is one of ours (our MIME type, or a .socwb file).
QString caseOf(GBookmarkFile* file, const char* uri) {
    gchar* name = g_filename_from_uri(uri, nullptr, nullptr);
    if (!name) {
        return {}; // not a local file
    }
    const QString path = QFile::decodeName(name);
    g_free(name);
    gchar* mime = g_bookmark_file_get_mime_type(file, uri, nullptr);
    const bool ours = (mime && qstrcmp(mime, RecentCases::kMimeType) == 0) || path.endsWith(QLatin1String(".socwb"));
    g_free(mime);
    return ours ? path : QString();
}

QDateTime lastUsedIn(GBookmarkFile* file, const char* uri) {
    qint64 seconds = 0;
    for (GDateTime* (*get)(GBookmarkFile*, const char*, GError**) :
         {g_bookmark_file_get_modified_date_time, g_bookmark_file_get_visited_date_time}) {
        if (GDateTime* t = get(file, uri, nullptr)) {
            seconds = std::max<qint64>(seconds, g_date_time_to_unix(t));
        }
    }
    return seconds > 0 ? QDateTime::fromSecsSinceEpoch(seconds, Qt::UTC) : QDateTime();
}

} // namespace

RecentCases::RecentCases(QString xbelPath) : xbel_(std::move(xbelPath)) {}

QString RecentCases::defaultXbelPath() {
    return QStandardPaths::writableLocation(QStandardPaths::GenericDataLocation) +
           QStringLiteral("/recently-used.xbel");
}

void RecentCases::add(const QString& path) {
    const QString absolute = QFileInfo(path).absoluteFilePath();
    const QDateTime now = QDateTime::currentDateTimeUtc();
    QSettings s;
    QStringList list = s.value(QLatin1String(kListKey)).toStringList();
    list.removeAll(absolute);
    list.prepend(absolute);
    list = list.mid(0, kOwnMax);
    QVariantMap times = s.value(QLatin1String(kTimesKey)).toMap();
    times.insert(absolute, now);
    for (auto it = times.begin(); it != times.end();) {
        it = list.contains(it.key()) ? std::next(it) : times.erase(it);
    }
    s.setValue(QLatin1String(kListKey), list);
    s.setValue(QLatin1String(kTimesKey), times);

    problem_.clear();
    Bookmarks b;
    if (!load(b, xbel_, problem_)) {
        return;
    }
    const QByteArray uri = uriOf(absolute);
    if (uri.isEmpty()) {
        return;
    }
    g_bookmark_file_set_mime_type(b.file, uri.constData(), kMimeType);
    // Registers socwb as an application that opened it (count and time stamp), as GTK does.
    g_bookmark_file_add_application(b.file, uri.constData(), kApplication, "socwb %f");
    GDateTime* stamp = g_date_time_new_from_unix_utc(now.toSecsSinceEpoch());
    g_bookmark_file_set_modified_date_time(b.file, uri.constData(), stamp);
    g_bookmark_file_set_visited_date_time(b.file, uri.constData(), stamp);
    g_date_time_unref(stamp);
    save(b, xbel_, problem_);
}

QList<RecentCases::Entry> RecentCases::entries(int limit) const {
    struct Candidate {
        Entry entry;
        int ownRank; // position in socwb's list, or INT_MAX
    };
    QList<Candidate> all;
    auto find = [&all](const QString& path) -> Candidate* {
        for (Candidate& c : all) {
            if (c.entry.path == path) {
                return &c;
            }
        }
        return nullptr;
    };
    QSettings s;
    const QStringList list = s.value(QLatin1String(kListKey)).toStringList();
    const QVariantMap times = s.value(QLatin1String(kTimesKey)).toMap();
    for (int i = 0; i < list.size(); ++i) {
        if (!find(list[i])) {
            all.append({Entry{list[i], times.value(list[i]).toDateTime(), false}, i});
        }
    }

    problem_.clear();
    Bookmarks b;
    if (load(b, xbel_, problem_)) {
        gsize n = 0;
        gchar** uris = g_bookmark_file_get_uris(b.file, &n);
        for (gsize i = 0; i < n; ++i) {
            const QString path = caseOf(b.file, uris[i]);
            if (path.isEmpty()) {
                continue;
            }
            const QDateTime used = lastUsedIn(b.file, uris[i]);
            if (Candidate* c = find(path)) {
                if (used.isValid() && (!c->entry.lastUsed.isValid() || used > c->entry.lastUsed)) {
                    c->entry.lastUsed = used;
                }
            } else {
                all.append({Entry{path, used, false}, INT_MAX});
            }
        }
        g_strfreev(uris);
    }

    // Newest first; entries no list dated (socwb's list before it kept times) after them, in its order.
    std::stable_sort(all.begin(), all.end(), [](const Candidate& a, const Candidate& b) {
        if (a.entry.lastUsed.isValid() != b.entry.lastUsed.isValid()) {
            return a.entry.lastUsed.isValid();
        }
        if (a.entry.lastUsed.isValid() && a.entry.lastUsed != b.entry.lastUsed) {
            return a.entry.lastUsed > b.entry.lastUsed;
        }
        return a.ownRank < b.ownRank;
    });
    QList<Entry> result;
    for (const Candidate& c : all) {
        if (result.size() >= limit) {
            break;
        }
        Entry e = c.entry;
        e.exists = QFileInfo::exists(e.path);
        result.append(e);
    }
    return result;
}

void RecentCases::clear() {
    QSettings s;
    s.remove(QLatin1String(kListKey));
    s.remove(QLatin1String(kTimesKey));

    problem_.clear();
    Bookmarks b;
    if (!load(b, xbel_, problem_) || !QFileInfo::exists(xbel_)) {
        return;
    }
    bool changed = false;
    gsize n = 0;
    gchar** uris = g_bookmark_file_get_uris(b.file, &n);
    for (gsize i = 0; i < n; ++i) {
        if (caseOf(b.file, uris[i]).isEmpty() ||
            !g_bookmark_file_has_application(b.file, uris[i], kApplication, nullptr)) {
            continue;
        }
        g_bookmark_file_remove_application(b.file, uris[i], kApplication, nullptr);
        gsize apps = 0;
        gchar** left = g_bookmark_file_get_applications(b.file, uris[i], &apps, nullptr);
        g_strfreev(left);
        if (apps == 0) {
            g_bookmark_file_remove_item(b.file, uris[i], nullptr);
        }
        changed = true;
    }
    g_strfreev(uris);
    if (changed) {
        save(b, xbel_, problem_);
    }
}

} // namespace socwb
