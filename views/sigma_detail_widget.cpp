#include "sigma_detail_widget.h"

#include "alert_detail_widget.h"
#include "column_width.h"
#include "store/case_summary.h"
#include "tables/alert_table_model.h"
#include "tables/plain_text.h"

#include <QHeaderView>
#include <QLabel>
#include <QLocale>
#include <QScrollArea>
#include <QSplitter>
#include <QStyle>
#include <QTableView>
#include <QVBoxLayout>

namespace socwb {

QLabel* SigmaDetailWidget::plainLabel() {
    return AlertDetailWidget::makePlainLabel(this); // a rule's title and the evidence are text, never markup
}

SigmaDetailWidget::SigmaDetailWidget(QWidget* parent) : QWidget(parent), hits_(new SigmaHitModel(this)) {
    setObjectName(QStringLiteral("sigmaDetail"));
    title_ = plainLabel();
    title_->setObjectName(QStringLiteral("sigmaTitle"));
    QFont big = title_->font();
    big.setBold(true);
    big.setPointSizeF(big.pointSizeF() * 1.2);
    title_->setFont(big);
    summary_ = plainLabel();
    tags_ = plainLabel();
    tags_->setObjectName(QStringLiteral("sigmaTags"));
    references_ = plainLabel();
    references_->setObjectName(QStringLiteral("sigmaReferences"));
    rule_ = plainLabel();
    rule_->setObjectName(QStringLiteral("sigmaRule"));
    triage_ = plainLabel();
    auto heading = [this](const QString& text) { return AlertDetailWidget::makeHeading(this, text); };
    auto* info = new QWidget(this);
    auto* v = new QVBoxLayout(info);
    v->setContentsMargins(6, 6, 6, 6);
    v->addWidget(title_);
    v->addWidget(summary_);
    v->addWidget(heading(tr("Tags")));
    v->addWidget(tags_);
    v->addWidget(heading(tr("Rule, author and references")));
    v->addWidget(rule_);
    v->addWidget(references_);
    v->addWidget(heading(tr("Triage")));
    v->addWidget(triage_);
    v->addStretch(1);
    QScrollArea* scroll = AlertDetailWidget::makeInfoScroll(this, info);

    auto* lower = new QWidget(this);
    auto* lv = new QVBoxLayout(lower);
    lv->setContentsMargins(6, 0, 6, 0);
    hitsCaption_ = heading(tr("Matched rows"));
    lv->addWidget(hitsCaption_);
    hitView_ = new QTableView(this);
    hitView_->setObjectName(QStringLiteral("sigmaHits"));
    hitView_->setModel(hits_);
    AlertDetailWidget::setUpRowTable(hitView_);
    hitView_->setTextElideMode(Qt::ElideMiddle);
    auto widthOf = [this](const QString& sample) { return textColumnWidth(hitView_, sample); };
    hitView_->setColumnWidth(SigmaHitModel::TimeColumn, widthOf(QStringLiteral("2024-03-04 09:15:56.123")));
    // A URL like "GET https://pastebin.com/raw/cTsLU0ZG" whole; longer ones elide in the middle
    // (whole in the tooltip), the provenance columns follow (scrolled to in a narrow pane).
    hitView_->setColumnWidth(SigmaHitModel::RowColumn,
                             widthOf(QStringLiteral("GET https://pastebin.com/raw/cTsLU0ZG?x")));
    hitView_->setColumnWidth(SigmaHitModel::KindColumn, widthOf(QStringLiteral("Sysmon event 22")));
    hitView_->setColumnWidth(SigmaHitModel::EvidenceColumn, widthOf(QStringLiteral("proxy-access.log")));
    hitView_->setColumnWidth(SigmaHitModel::LocationColumn, widthOf(QStringLiteral("record 1234567")));
    lv->addWidget(hitView_, 1);

    auto* split = new QSplitter(Qt::Vertical, this);
    split->addWidget(scroll);
    split->addWidget(lower);
    // The rule's facts whole at 1366x768 (triage included), ten matched rows below.
    split->setStretchFactor(0, 3);
    split->setStretchFactor(1, 2);
    split->setSizes({360, 240});
    auto* outer = new QVBoxLayout(this);
    outer->setContentsMargins(0, 0, 0, 0);
    outer->addWidget(split);
}

void SigmaDetailWidget::display(const SigmaDetail& d) {
    const QLocale l;
    const AlertRow& r = d.row;
    title_->setText(visibleText(d.title));
    QStringList parts;
    parts << tr("Sigma rule hit \u00b7 level %1").arg(d.level.isEmpty() ? tr("not given") : d.level);
    parts << tr("status %1").arg(AlertTableModel::statusLabel(r.status));
    if (!r.host.isEmpty()) {
        parts << tr("host %1").arg(r.host);
    }
    if (!r.hostRole.isEmpty()) {
        parts << tr("role %1").arg(r.hostRole);
    }
    QString text = parts.join(QStringLiteral(" \u00b7 "));
    text += QLatin1Char('\n') + tr("%n row(s) matched", nullptr, static_cast<int>(r.requests)) +
            tr(", %1 to %2 UTC").arg(utcSecondsFromUs(r.firstTs), utcSecondsFromUs(r.lastTs));
    summary_->setText(visibleText(text));
    QStringList tags;
    for (const QString& t : d.tags) {
        const QString readable = readableSigmaTag(t);
        tags << (readable == t ? t : tr("%1 (%2)").arg(readable, t));
    }
    tags_->setText(tags.isEmpty() ? tr("The rule has no tags.") : visibleText(tags.join(QLatin1Char('\n'))));
    QString rule = sigmaAttribution(d.author);
    if (!d.ruleId.isEmpty()) {
        rule += QLatin1Char('\n') + tr("Rule id: %1").arg(d.ruleId);
    }
    if (!d.rulePath.isEmpty()) {
        rule += QLatin1Char('\n') + tr("Rule file: %1").arg(d.rulePath);
    }
    rule_->setText(visibleText(rule));
    rule_->setToolTip(plainToolTip(d.rulePath));
    references_->setText(d.references.isEmpty() ? tr("The rule gives no references.")
                                                : visibleText(tr("References:") + QLatin1Char('\n') +
                                                              d.references.join(QLatin1Char('\n'))));
    triage_->setText(AlertDetailWidget::triageText(r.status, d.triage, r.tags));
    hitsCaption_->setText(d.hitTotal > d.hits.size()
                              ? tr("Matched rows (%1, the first %2 by time shown)")
                                    .arg(l.toString(d.hitTotal), l.toString(qint64(d.hits.size())))
                              : tr("Matched rows (%1)").arg(l.toString(d.hitTotal)));
    hits_->setHits(d.hits);
}

} // namespace socwb
