#include "import_preview_dialog.h"

#include "ingest/read/format_registry.h"
#include "store/case_summary.h"
#include "tables/plain_text.h"

#include <QComboBox>
#include <QDialogButtonBox>
#include <QFileInfo>
#include <QFutureWatcher>
#include <QHeaderView>
#include <QLabel>
#include <QLocale>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QSplitter>
#include <QTableWidget>
#include <QTimeZone>
#include <QVBoxLayout>
#include <QtConcurrent/QtConcurrentRun>

namespace socwb {

ImportPreviewDialog::ImportPreviewDialog(const QStringList& paths, const QString& defaultTimeZone, QWidget* parent)
    : QDialog(parent), defaultTz_(defaultTimeZone), table_(new QTableWidget(this)), lines_(new QPlainTextEdit(this)),
      summary_(new QLabel(this)) {
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
    QStringList zones{QStringLiteral("UTC")};
    for (const QByteArray& id : QTimeZone::availableTimeZoneIds()) {
        zones << QString::fromLatin1(id);
    }
    zones.removeDuplicates();
    int unknown = 0;
    bool needsZone = false;
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
            ++unknown;
            format->setToolTip(plainToolTip(it.reason));
        }
        auto* zone = new QComboBox(table_);
        zone->addItems(zones);
        zone->setEditable(false);
        zone->setCurrentText(defaultTz_);
        const auto updateZone = [this, row, format, zone] {
            const QString f = format->currentData().toString();
            items_[row].format = f;
            zone->setEnabled(formatUsesLocalTime(f));
            zone->setToolTip(formatUsesLocalTime(f) ? tr("This format logs the server's local time: choose its zone.")
                                                    : tr("This format logs UTC."));
        };
        connect(format, &QComboBox::currentIndexChanged, this, updateZone);
        connect(zone, &QComboBox::currentTextChanged, this,
                [this, row](const QString& z) { items_[row].timeZone = z; });
        items_[row].timeZone = defaultTz_;
        updateZone();
        needsZone = needsZone || formatUsesLocalTime(it.detected);
        table_->setCellWidget(row, FormatColumn, format);
        table_->setCellWidget(row, TimeZoneColumn, zone);
    }
    QString text =
        tr("%n file(s) to import. Nothing is written until you press Import.", nullptr, static_cast<int>(items.size()));
    if (unknown > 0) {
        text += QLatin1Char(' ') + tr("%n file(s) matched no format: choose one or leave them out.", nullptr, unknown);
    }
    if (needsZone) {
        text += QLatin1Char(' ') + tr("Some formats log local time: check the time zone.");
    }
    summary_->setText(text);
    if (!items.isEmpty()) {
        table_->setCurrentCell(0, FileColumn);
        showLines(0);
    }
    ready_ = true;
    import_->setEnabled(!items.isEmpty());
    emit ready();
}

void ImportPreviewDialog::showLines(int row) {
    if (row >= 0 && row < items_.size()) {
        const ImportPlanItem& it = items_[row];
        lines_->setPlainText(it.firstLines.isEmpty() ? it.reason : it.firstLines);
    }
}

QVector<ImportPlanItem> ImportPreviewDialog::plan() const {
    return foldMembers(items_); // an archive with its members' choices; skipped files left out
}

} // namespace socwb
