#include "import_plan.h"

#include "import/collection_layout.h"
#include "ingest/read/archive_walker.h"
#include "ingest/read/format_registry.h"
#include "ingest/read/input_reader.h"
#include "store/case_file.h"

#include <QFileInfo>

#include <algorithm>

namespace socwb {

QStringList expandImportPaths(const QStringList& paths) {
    QStringList files;
    for (const QString& f : collection_layout::expand(paths).files) {
        if (QFileInfo(f).isFile()) {
            files << f;
        }
    }
    // Files named one by one come in path order too, rotated sequences oldest first.
    std::sort(files.begin(), files.end(), [](const QString& a, const QString& b) {
        return collection_layout::importOrderKey(a) < collection_layout::importOrderKey(b);
    });
    return files;
}

namespace {

void describe(ImportPlanItem& item, const SniffSample& sample) {
    const Detection d = detectFormat(sample);
    if (d.format) {
        item.detected = QString::fromLatin1(d.format->name);
    } else {
        item.reason = d.reason;
    }
    QStringList lines;
    for (size_t i = 0; i < sample.lines.size() && lines.size() < 8; ++i) {
        lines << QString::fromUtf8(sample.lines[i].data(), qsizetype(qMin<size_t>(sample.lines[i].size(), 400)));
    }
    item.firstLines = sample.binary ? QStringLiteral("(binary data)") : lines.join(QLatin1Char('\n'));
    item.format = item.detected;
}

// Lists an archive's members with their detected formats, reading 64 KiB of each.
class MemberLister : public MemberVisitor {
  public:
    MemberLister(const QString& path, QVector<ImportPlanItem>& out) : path_(path), out_(out) {}
    void member(const MemberInfo& m, ArchiveReader& stream, EntrySource&) override {
        ImportPlanItem item = base(m);
        if (const QString why = collection_layout::memberSkipReason(m.chain); !why.isEmpty()) {
            item.reason = why;
            item.firstLines = why;
        } else {
            describe(item, sniffBytes(m.name, readHead(stream)));
        }
        out_ << item;
    }
    void skipped(const MemberInfo& m, const QString& reason) override {
        ImportPlanItem item = base(m);
        item.reason = reason;
        item.firstLines = reason;
        out_ << item;
    }
    bool cancelled() const override { return false; }

  private:
    ImportPlanItem base(const MemberInfo& m) const {
        ImportPlanItem item;
        item.path = path_;
        item.member = m.chain;
        item.size = m.storedSize;
        return item;
    }
    QString path_;
    QVector<ImportPlanItem>& out_;
};

} // namespace

QVector<ImportPlanItem> previewImport(const QStringList& files) {
    QVector<ImportPlanItem> out;
    for (const QString& f : files) {
        ImportPlanItem item;
        item.path = f;
        item.size = QFileInfo(f).size();
        if (case_file::isHeld(f)) {
            // Not even its first lines: reading it would drop this program's locks on the case.
            item.reason = QStringLiteral("a case this program has open (or its -wal, -shm or -journal), not evidence");
            out << item;
            continue;
        }
        qsizetype at = -1; // the archive's row, once listed
        try {
            const SniffSample sample = readSniffSample(f);
            if (sample.archive.isEmpty()) {
                describe(item, sample);
                out << item;
                continue;
            }
            item.archive = sample.archive;
            item.format = QStringLiteral("archive");
            at = out.size();
            out << item;
            ExpansionBudget budget(QFileInfo(f).fileName(), item.size, ArchiveLimits{});
            auto root = ArchiveReader::openFile(f, &budget);
            MemberLister lister(f, out);
            ArchiveWalker(budget, lister, false).walk(*root);
            out[at].firstLines =
                QStringLiteral("%1 holding %2 member(s)").arg(sample.archive, QString::number(out.size() - at - 1));
        } catch (const std::exception& e) {
            // A limit crossed while its members are listed (a bomb, too many members) is said on the
            // archive's row, which the import will refuse with the same reason: not a second row.
            if (at >= 0) {
                out[at].reason = QString::fromUtf8(e.what());
                out[at].firstLines = out[at].reason;
            } else {
                item.reason = QString::fromUtf8(e.what());
                out << item;
            }
        }
    }
    return out;
}

PlanCounts countPlan(const QVector<ImportPlanItem>& items) {
    PlanCounts c;
    for (const ImportPlanItem& it : items) {
        if (!it.archive.isEmpty()) {
            ++c.archives;
            continue;
        }
        ++c.files;
        c.members += it.member.isEmpty() ? 0 : 1;
        c.unmatched += it.detected.isEmpty() ? 1 : 0;
    }
    return c;
}

QVector<ImportPlanItem> foldMembers(const QVector<ImportPlanItem>& items) {
    QVector<ImportPlanItem> out;
    for (const ImportPlanItem& it : items) {
        if (it.member.isEmpty()) {
            if (!it.format.isEmpty()) {
                out << it;
                if (!it.archive.isEmpty()) {
                    out.last().format.clear(); // the importer detects each member
                }
            }
            continue;
        }
        for (qsizetype i = out.size() - 1; i >= 0; --i) {
            if (out[i].path == it.path && !out[i].archive.isEmpty()) {
                // One zone per archive (ImportOptions): the one chosen for its local-time members.
                if (formatUsesLocalTime(it.format) && out[i].timeZone.isEmpty()) {
                    out[i].timeZone = it.timeZone;
                }
                // Only what the analyst changed: a member left as detected keeps the importer's own
                // reason when nothing matches it.
                if (it.format != it.detected) {
                    out[i].memberFormats.insert(it.member, it.format);
                }
                break;
            }
        }
    }
    return out;
}

bool formatUsesLocalTime(const QString& format) {
    return format == QLatin1String("windows-dns") || format == QLatin1String("bind") ||
           format == QLatin1String("dnsmasq") || format == QLatin1String("w3c");
}

QString missingTimeZoneReason(const QString& format, const QString& zone) {
    if (!formatUsesLocalTime(format) || !zone.trimmed().isEmpty()) {
        return {};
    }
    return QStringLiteral("read as %1, a format that logs the server's local time, and no time zone was given: "
                          "name the zone its times are in (socwb-cli import --tz ZONE, an IANA name such as "
                          "Europe/Berlin, or UTC; the window's import preview asks for it)")
        .arg(format);
}

} // namespace socwb
