#include "import_preview_dialog.h"

#include "ingest/read/format_registry.h"
#include "store/case_summary.h"
#include "tables/plain_text.h"

#include <algorithm>

#include <QComboBox>
#include <QDialogButtonBox>
#include <QFileInfo>
#include <QFutureWatcher>
#include <QHeaderView>
#include <QLabel>
#include <QLocale>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QSignalBlocker>
#include <QSplitter>
#include <QTableWidget>
#include <QTimeZone>
#include <QVBoxLayout>
#include <QtConcurrent/QtConcurrentRun>

namespace socwb {

ImportPreviewDialog::ImportPreviewDialog(const QStringList& paths, const QString& rememberedTimeZone, QWidget* parent)
    : QDialog(parent), rememberedTz_(rememberedTimeZone), table_(new QTableWidget(this)),
      lines_(new QPlainTextEdit(this)), summary_(new QLabel(this)) {
    setObjectName(QStringLiteral("importPreview"));
    setWindowTitle(tr("Import evidence"));
    auto* layout = new QVBoxLayout(this);
    summary_->setTextFormat(Qt::PlainText);
    summary_->setWordWrap(true);
    summary_->setText(tr("Reading the first lines of %n file(s)\u2026", nullptr, static_cast<int>(paths.size())));
    layout->addWidget(summary_);
    table_->setColumnCount(ColumnCount);
    table_->setHorizontalHeaderLabels({tr("File"), tr("Size"), tr("Format"), tr("Time zone of its timestamps")});
    table_->setSelectionBehavior(QAbstractItemView::SelectRows);
    table_->setSelectionMode(QAbstractItemView::SingleSelection);
    table_->verticalHeader()->hide();
    table_->horizontalHeader()->setSectionResizeMode(FileColumn, QHeaderView::Stretch);
    table_->horizontalHeader()->setSectionResizeMode(SizeColumn, QHeaderView::ResizeToContents);
    table_->horizontalHeader()->setSectionResizeMode(FormatColumn, QHeaderView::ResizeToContents);
    table_->horizontalHeader()->setSectionResizeMode(TimeZoneColumn, QHeaderView::ResizeToContents);
    lines_->setReadOnly(true);
    lines_->setLineWrapMode(QPlainTextEdit::NoWrap);
    QFont mono(QStringLiteral("monospace"));
    mono.setStyleHint(QFont::Monospace);
    lines_->setFont(mono);
    lines_->setPlaceholderText(tr("The first lines of the selected file appear here."));
    auto* split = new QSplitter(Qt::Vertical, this);
    split->addWidget(table_);
    split->addWidget(lines_);
    split->setStretchFactor(0, 2);
    split->setStretchFactor(1, 1);
    layout->addWidget(split, 1);
    auto* buttons = new QDialogButtonBox(QDialogButtonBox::Cancel, this);
    import_ = buttons->addButton(tr("Import"), QDialogButtonBox::AcceptRole);
    import_->setEnabled(false);
    import_->setAutoDefault(false); // until every local-time log has its zone (updateSummary)
    layout->addWidget(buttons);
    connect(buttons, &QDialogButtonBox::accepted, this, &QDialog::accept);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    connect(table_, &QTableWidget::currentCellChanged, this, [this](int row) { showLines(row); });
    resize(900, 520);

    auto* watcher = new QFutureWatcher<QVector<ImportPlanItem>>(this);
    connect(watcher, &QFutureWatcher<QVector<ImportPlanItem>>::finished, this, [this, watcher] {
        watcher->deleteLater();
        populate(watcher->result());
    });
    watcher->setFuture(QtConcurrent::run([paths] { return previewImport(expandImportPaths(paths)); }));
}

void ImportPreviewDialog::populate(const QVector<ImportPlanItem>& items) {
    items_ = items;
    const QLocale l;
    table_->setRowCount(static_cast<int>(items.size()));
    QStringList formatNames;
    for (const FormatInfo& f : formats()) {
        formatNames << QString::fromLatin1(f.name);
    }
    // The machine's zone first, then the one chosen before in this case, then UTC, then the rest.
    const QString machine = QString::fromLatin1(QTimeZone::systemTimeZoneId());
    QStringList zones{machine, rememberedTz_, QStringLiteral("UTC")};
    for (const QByteArray& id : QTimeZone::availableTimeZoneIds()) {
        zones << QString::fromLatin1(id);
    }
    zones.removeAll(QString());
    zones.removeDuplicates();
    for (int row = 0; row < items.size(); ++row) {
        const ImportPlanItem& it = items[row];
        // An archive's members follow it, indented, each with its own format choice and skip.
        auto* file = new QTableWidgetItem(it.member.isEmpty() ? QFileInfo(it.path).fileName()
                                                              : QStringLiteral("    \u203a ") + it.member);
        file->setToolTip(plainToolTip(provenanceLabel(it.path, it.member, true)));
        file->setFlags(file->flags() & ~Qt::ItemIsEditable);
        table_->setItem(row, FileColumn, file);
        auto* size = new QTableWidgetItem(it.size < 0 ? QStringLiteral("?") : l.formattedDataSize(it.size));
        size->setFlags(size->flags() & ~Qt::ItemIsEditable);
        size->setTextAlignment(Qt::AlignRight | Qt::AlignVCenter);
        table_->setItem(row, SizeColumn, size);
        auto* format = new QComboBox(table_);
        if (!it.archive.isEmpty()) {
            format->addItem(tr("archive: %1").arg(it.archive), QStringLiteral("archive"));
        }
        format->addItem(it.member.isEmpty() ? tr("(skip this file)") : tr("(skip this member)"), QString());
        for (const QString& n : formatNames) {
            format->addItem(n == it.detected ? tr("%1 (detected)").arg(n) : n, n);
        }
        format->setCurrentIndex(qMax(0, format->findData(it.archive.isEmpty() ? it.detected : it.format)));
        if (it.detected.isEmpty() && it.archive.isEmpty()) {
            format->setToolTip(plainToolTip(it.reason));
        }
        auto* zone = new QComboBox(table_);
        for (const QString& z : zones) {
            QString label = z;
            if (z == machine) {
                label = tr("%1 (this computer)").arg(z);
            } else if (z == rememberedTz_) {
                label = tr("%1 (chosen before in this case)").arg(z);
            }
            zone->addItem(label, z);
        }
        zone->setEditable(false);
        zone->setCurrentIndex(-1); // nothing chosen: the placeholder asks
        const auto updateZone = [this, row, format, zone] {
            const QString f = format->currentData().toString();
            items_[row].format = f;
            const bool local = formatUsesLocalTime(f);
            zone->setEnabled(local);
            if (!local && zone->currentIndex() != -1) {
                const QSignalBlocker quiet(zone); // this lambda is the slot: no re-entry
                zone->setCurrentIndex(-1);
            }
            zone->setPlaceholderText(local ? tr("Choose the zone\u2026") : tr("UTC (in the log)"));
            zone->setToolTip(
                local ? tr("This format logs the server's local time: choose the zone of the server that wrote it. "
                           "(W3C date and time fields are UTC by the format's rule: choose UTC for those.)")
                      : tr("This format logs UTC (or writes its offset): no zone is needed."));
            // An archive row takes the zone chosen for its local-time members (foldMembers).
            items_[row].timeZone = local                           ? zone->currentData().toString()
                                   : f == QLatin1String("archive") ? QString()
                                                                   : QStringLiteral("UTC");
            updateSummary();
        };
        connect(format, &QComboBox::currentIndexChanged, this, updateZone);
        connect(zone, &QComboBox::currentIndexChanged, this, updateZone);
        updateZone();
        table_->setCellWidget(row, FormatColumn, format);
        table_->setCellWidget(row, TimeZoneColumn, zone);
    }
    // An archive's members are the files it brings: "4 files to import (3 members in 1 archive)".
    const PlanCounts counts = countPlan(items);
    baseSummary_ = counts.archives > 0 ? tr("%n file(s) to import (%1 in %2).", nullptr, counts.files)
                                             .arg(tr("%n member(s)", nullptr, counts.members),
                                                  tr("%n archive(s)", nullptr, counts.archives))
                                       : tr("%n file(s) to import.", nullptr, counts.files);
    baseSummary_ += QLatin1Char(' ') + tr("Nothing is written until you press Import.");
    if (counts.unmatched > 0) {
        baseSummary_ += QLatin1Char(' ') +
                        tr("%n file(s) matched no format: choose one or leave them out.", nullptr, counts.unmatched);
    }
    if (!items.isEmpty()) {
        table_->setCurrentCell(0, FileColumn);
        showLines(0);
    }
    ready_ = true;
    updateSummary();
    emit ready();
}

int ImportPreviewDialog::rowsWithoutZone() const {
    int n = 0;
    for (const ImportPlanItem& it : items_) {
        n += formatUsesLocalTime(it.format) && it.timeZone.isEmpty() ? 1 : 0;
    }
    return n;
}

int ImportPreviewDialog::rowsToImport() const {
    return static_cast<int>(std::count_if(items_.begin(), items_.end(), [](const ImportPlanItem& it) {
        return !it.format.isEmpty() && it.format != QLatin1String("archive");
    }));
}

QString ImportPreviewDialog::summaryText() const {
    return summary_->text();
}

QString ImportPreviewDialog::shownLines() const {
    return lines_->toPlainText();
}

void ImportPreviewDialog::updateSummary() {
    if (!ready_) {
        return; // populate() is still building the rows
    }
    const int missing = rowsWithoutZone();
    QString text = baseSummary_;
    if (missing > 0) {
        text += QLatin1Char(' ') + tr("%n file(s) log the server's local time: choose the zone of each (Time zone "
                                      "column) before importing.",
                                      nullptr, missing);
    }
    // Every file left out: Import closed the dialog and did nothing, not even say so.
    const bool nothing = rowsToImport() == 0;
    if (nothing) {
        text += QLatin1Char(' ') + tr("Nothing to import: every file is left out.");
    }
    summary_->setText(text);
    const bool can = !nothing && missing == 0;
    import_->setEnabled(can);
    import_->setAutoDefault(can); // Enter never imports a log whose zone is not chosen
    import_->setDefault(can);
    import_->setToolTip(nothing       ? tr("Choose a format for a file to import it, or Cancel.")
                        : missing > 0 ? tr("Choose the time zone of every local-time log first.")
                                      : QString());
}

void ImportPreviewDialog::showLines(int row) {
    if (row >= 0 && row < items_.size()) {
        const ImportPlanItem& it = items_[row];
        // A file no format recognised says why (and which formats were tried) above its lines: it was
        // only in the format's tooltip.
        QString text = it.firstLines.isEmpty() ? it.reason : it.firstLines;
        if (!it.reason.isEmpty() && !it.firstLines.isEmpty() && it.reason != it.firstLines) {
            text = it.reason + QStringLiteral("\n\n") + tr("Its first lines:") + QLatin1Char('\n') + it.firstLines;
        }
        // Lines of a log run on (a wrapped log line reads as two); the reason and what was tried wrap.
        lines_->setLineWrapMode(it.reason.isEmpty() ? QPlainTextEdit::NoWrap : QPlainTextEdit::WidgetWidth);
        lines_->setPlainText(text);
    }
}

QVector<ImportPlanItem> ImportPreviewDialog::plan() const {
    return foldMembers(items_); // an archive with its members' choices; skipped files left out
}

} // namespace socwb
