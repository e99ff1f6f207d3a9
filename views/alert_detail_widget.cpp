#include "alert_detail_widget.h"

#include "column_width.h"

#include "factor_bar.h"
#include "sigma_detail_widget.h"
#include "store/case_summary.h"
#include "tables/channel_request_model.h"
#include "tables/channel_sensor_model.h"
#include "tables/plain_text.h"

#include <QFutureWatcher>
#include <QGridLayout>
#include <QHBoxLayout>
#include <QHash>
#include <QHeaderView>
#include <QLabel>
#include <QLocale>
#include <QPushButton>
#include <QResizeEvent>
#include <QScrollArea>
#include <QSplitter>
#include <QStyle>
#include <QTableView>
#include <QToolButton>
#include <QVBoxLayout>
#include <QtConcurrent/QtConcurrentRun>

#include <algorithm>

namespace socwb {

namespace {
// "0 bytes" only where the log said so: a Squid line has no request size, a DNS lookup no sizes at all.
QString sizeOrNotLogged(qint64 bytes) {
    return bytes < 0 ? QObject::tr("not logged") : QLocale().formattedDataSize(bytes);
}

// A member naming as the features store it (scoring/address_namer.h), in words.
QString namingWords(const QString& naming) {
    static const QHash<QString, QString> words{
        {QStringLiteral("-"), QObject::tr("lookups of the name")},
        {QStringLiteral("record"), QObject::tr("named in the record")},
        {QStringLiteral("host_dns"), QObject::tr("address named by this host's own DNS answers")},
        {QStringLiteral("fleet_dns"), QObject::tr("address named by another host's DNS answer nearest in time")},
        {QStringLiteral("address"), QObject::tr("an address no DNS answer names")},
        {QStringLiteral("splunk"), QObject::tr("Splunk's hunt result")},
        {QStringLiteral("sentinel"), QObject::tr("Defender / Sentinel's hunt result")},
        {QStringLiteral("elastic"), QObject::tr("Elastic ES|QL's hunt result")}};
    return words.value(naming, naming);
}
} // namespace

QLabel* AlertDetailWidget::makePlainLabel(QWidget* parent, bool wrap) {
    auto* l = new QLabel(parent);
    l->setTextFormat(Qt::PlainText); // evidence text: never markup
    l->setWordWrap(wrap);
    if (wrap) {
        // A path or URL with no space would set the whole pane's minimum width and push every
        // sentence past its right edge: such a word is cut in its own line (whole in the tooltip
        // and when selected and copied) and the rest wraps to the dock's width.
        l->setMinimumWidth(1);
    }
    l->setTextInteractionFlags(Qt::TextSelectableByMouse);
    return l;
}

QLabel* AlertDetailWidget::plainLabel(bool wrap) {
    return makePlainLabel(this, wrap);
}

QLabel* AlertDetailWidget::makeHeading(QWidget* parent, const QString& text) {
    auto* l = new QLabel(text, parent);
    l->setTextFormat(Qt::PlainText);
    QFont f = l->font();
    f.setBold(true);
    l->setFont(f);
    return l;
}

QScrollArea* AlertDetailWidget::makeInfoScroll(QWidget* parent, QWidget* info) {
    auto* scroll = new QScrollArea(parent);
    scroll->setWidget(info);
    scroll->setWidgetResizable(true);
    scroll->setFrameShape(QFrame::NoFrame);
    // Text wraps to the dock's width instead of running off to the side.
    scroll->setHorizontalScrollBarPolicy(Qt::ScrollBarAlwaysOff);
    return scroll;
}

void AlertDetailWidget::setUpRowTable(QTableView* view) {
    view->setSelectionBehavior(QAbstractItemView::SelectRows);
    view->setAlternatingRowColors(true);
    view->setWordWrap(false);
    view->verticalHeader()->hide();
    view->verticalHeader()->setSectionResizeMode(QHeaderView::Fixed);
    view->verticalHeader()->setDefaultSectionSize(view->fontMetrics().height() + 6);
    view->horizontalHeader()->setStretchLastSection(true);
}

QString AlertDetailWidget::triageText(const QString& status, const TriageRecord& triage, const QString& tags) {
    QString t = tr("Status: %1").arg(AlertTableModel::statusLabel(status));
    if (!triage.updatedBy.isEmpty()) {
        t += tr(" (by %1, %2)")
                 .arg(triage.updatedBy, QString(triage.updatedAt.left(19)).replace(QLatin1Char('T'), QLatin1Char(' ')));
    }
    if (!triage.justification.isEmpty()) {
        t += QLatin1Char('\n') + tr("Justification: %1").arg(triage.justification);
    }
    if (!triage.note.isEmpty()) {
        t += QLatin1Char('\n') + tr("Note: %1").arg(triage.note);
    }
    if (!tags.isEmpty()) {
        t += QLatin1Char('\n') + tr("Tags: %1").arg(tags);
    }
    return visibleText(t);
}

AlertDetailWidget::AlertDetailWidget(QWidget* parent)
    : QWidget(parent), empty_(new QLabel(this)), content_(new QWidget(this)), requests_(new ChannelRequestModel(this)),
      sensors_(new ChannelSensorModel(this)) {
    setObjectName(QStringLiteral("alertDetail"));
    auto* outer = new QVBoxLayout(this);
    outer->setContentsMargins(0, 0, 0, 0);
    empty_->setTextFormat(Qt::PlainText);
    empty_->setWordWrap(true);
    empty_->setAlignment(Qt::AlignCenter);
    empty_->setEnabled(false);
    empty_->setMargin(16);
    hiddenNote_ = new QLabel(tr("Not in the queue as it is filtered now: the filter hides this alert. Keys pressed "
                                "in the queue still act on it; clear the filter to see its row."),
                             this);
    hiddenNote_->setObjectName(QStringLiteral("hiddenByFilter"));
    hiddenNote_->setTextFormat(Qt::PlainText);
    hiddenNote_->setWordWrap(true);
    hiddenNote_->setFrameShape(QFrame::StyledPanel);
    hiddenNote_->setMargin(4);
    hiddenNote_->setAutoFillBackground(true);
    hiddenNote_->setBackgroundRole(QPalette::ToolTipBase);
    hiddenNote_->setForegroundRole(QPalette::ToolTipText);
    hiddenNote_->hide();
    outer->addWidget(hiddenNote_);
    outer->addWidget(empty_);
    outer->addWidget(content_, 1);
    sigma_ = new SigmaDetailWidget(this);
    outer->addWidget(sigma_, 1);
    sigma_->hide();

    title_ = plainLabel();
    QFont big = title_->font();
    big.setBold(true);
    big.setPointSizeF(big.pointSizeF() * 1.2);
    title_->setFont(big);
    summary_ = plainLabel();
    endpoint_ = plainLabel();
    process_ = plainLabel();
    commandLine_ = plainLabel();
    commandLine_->setObjectName(QStringLiteral("commandLine"));
    QFont mono(QStringLiteral("monospace"));
    mono.setStyleHint(QFont::Monospace);
    commandLine_->setFont(mono);
    attribution_ = plainLabel();
    members_ = plainLabel();
    members_->setObjectName(QStringLiteral("memberSources"));
    sensorAlerts_ = plainLabel();
    sensorAlerts_->setObjectName(QStringLiteral("sensorAlerts"));
    triage_ = plainLabel();

    auto* info = new QWidget(this);
    auto* v = new QVBoxLayout(info);
    v->setContentsMargins(6, 6, 6, 6);
    v->addWidget(title_);
    v->addWidget(summary_);
    // The endpoint, the Sigma rules and the view buttons: below the reasons while the widget is short.
    context_ = new QWidget(this);
    auto* cv = new QVBoxLayout(context_);
    cv->setContentsMargins(0, 0, 0, 0);
    cv->addWidget(endpoint_);
    sigmaLine_ = plainLabel();
    sigmaLine_->setObjectName(QStringLiteral("channelSigma"));
    cv->addWidget(sigmaLine_);
    sigmaLinks_ = new QWidget(this);
    auto* links = new QHBoxLayout(sigmaLinks_);
    links->setContentsMargins(0, 0, 0, 0);
    cv->addWidget(sigmaLinks_);
    v->addWidget(context_);
    sigmaLine_->hide();
    sigmaLinks_->hide();
    auto* buttons = new QHBoxLayout;
    const struct {
        const char* label;
        const char* view;
    } kButtons[] = {{QT_TR_NOOP("Host timeline"), "timeline"},
                    {QT_TR_NOOP("Process tree"), "process-tree"},
                    {QT_TR_NOOP("Interval charts"), "intervals"}};
    for (const auto& b : kButtons) {
        auto* button = new QPushButton(tr(b.label), this);
        button->setObjectName(QString::fromLatin1(b.view) + QStringLiteral("Button"));
        const QString view = QString::fromLatin1(b.view);
        connect(button, &QPushButton::clicked, this, [this, view] { emit openViewRequested(view, alertId_); });
        buttons->addWidget(button);
        viewButtons_ << button;
    }
    buttons->addStretch(1);
    cv->addLayout(buttons);
    auto heading = [this](const QString& text) { return makeHeading(this, text); };
    reasons_ = new QWidget(this);
    auto* rv = new QVBoxLayout(reasons_);
    rv->setContentsMargins(0, 0, 0, 0);
    rv->addWidget(heading(tr("Why this score")));
    factorsBox_ = new QWidget(this);
    factorsBox_->setObjectName(QStringLiteral("factors"));
    factors_ = new QGridLayout(factorsBox_);
    factors_->setContentsMargins(0, 0, 0, 0);
    factors_->setColumnStretch(1, 1);
    factors_->setColumnStretch(2, 3);
    rv->addWidget(factorsBox_);
    v->addWidget(reasons_);
    infoLayout_ = v;
    v->addWidget(heading(tr("Evidence and how it was named")));
    v->addWidget(members_);
    sensorAlertsCaption_ = heading(tr("Sensor alerts"));
    v->addWidget(sensorAlertsCaption_);
    v->addWidget(sensorAlerts_);
    v->addWidget(heading(tr("Process and attribution")));
    v->addWidget(process_);
    v->addWidget(commandLine_);
    v->addWidget(attribution_);
    v->addWidget(heading(tr("Triage")));
    v->addWidget(triage_);
    v->addStretch(1);
    QScrollArea* scroll = makeInfoScroll(this, info);

    auto* lower = new QWidget(this);
    auto* lv = new QVBoxLayout(lower);
    lv->setContentsMargins(6, 0, 6, 0);
    requestsCaption_ = heading(tr("Requests"));
    exportRequests_ = new QToolButton(this);
    exportRequests_->setObjectName(QStringLiteral("exportRequests"));
    exportRequests_->setText(tr("Export\u2026"));
    exportRequests_->setToolTip(tr("Write this channel's requests as CSV or JSON"));
    exportRequests_->setAutoRaise(true);
    connect(exportRequests_, &QToolButton::clicked, this, [this] { emit exportRequestsRequested(alertId_); });
    foldRequests_ = new QToolButton(this);
    foldRequests_->setObjectName(QStringLiteral("foldRequests"));
    foldRequests_->setAutoRaise(true);
    connect(foldRequests_, &QToolButton::clicked, this, [this] {
        requestsFolded_ = !requestsFolded_;
        applyRequestsFold();
    });
    auto* requestsRow = new QHBoxLayout;
    requestsRow->addWidget(requestsCaption_, 1);
    requestsRow->addWidget(exportRequests_);
    requestsRow->addWidget(foldRequests_);
    lv->addLayout(requestsRow);
    requestView_ = new QTableView(this);
    requestView_->setObjectName(QStringLiteral("channelRequests"));
    requestView_->setModel(requests_);
    setUpRowTable(requestView_);
    const int em = requestView_->fontMetrics().horizontalAdvance(QLatin1Char('M'));
    const int widths[ChannelRequestModel::ColumnCount] = {13, 5, 26, 5, 5, 6, 14, 8, 20};
    for (int c = 0; c < ChannelRequestModel::ColumnCount; ++c) {
        requestView_->setColumnWidth(c, widths[c] * em);
    }
    // Times in full, whatever the font: the same text the models show, with milliseconds.
    const QString timeSample = QStringLiteral("2024-03-04 09:15:56.123");
    requestView_->setColumnWidth(ChannelRequestModel::TimeColumn, textColumnWidth(requestView_, timeSample));
    lv->addWidget(requestView_, 1);
    requestsNote_ = plainLabel();
    requestsNote_->setObjectName(QStringLiteral("requestsNote"));
    requestsNote_->setAlignment(Qt::AlignTop | Qt::AlignLeft);
    lv->addWidget(requestsNote_, 1);
    requestsNote_->hide();
    sensorCaption_ = heading(tr("Sensor connections"));
    lv->addWidget(sensorCaption_);
    sensorView_ = new QTableView(this);
    sensorView_->setObjectName(QStringLiteral("channelSensorConnections"));
    sensorView_->setModel(sensors_);
    setUpRowTable(sensorView_);
    const int sensorWidths[ChannelSensorModel::ColumnCount] = {13, 12, 6, 6, 7, 11, 11, 5, 8};
    for (int c = 0; c < ChannelSensorModel::ColumnCount; ++c) {
        sensorView_->setColumnWidth(c, sensorWidths[c] * em);
    }
    sensorView_->setColumnWidth(ChannelSensorModel::TimeColumn, textColumnWidth(sensorView_, timeSample));
    // A Zeek uid is 18 letters and digits (Suricata's flow id up to 16 digits).
    sensorView_->setColumnWidth(ChannelSensorModel::UidColumn,
                                textColumnWidth(sensorView_, QStringLiteral("CHhAvVGS1DHFjwGM9W")));
    lv->addWidget(sensorView_, 1);
    sensorCaption_->hide();
    sensorView_->hide();

    split_ = new QSplitter(Qt::Vertical, this);
    split_->addWidget(scroll);
    split_->addWidget(lower);
    // Why it scored first: at 1366x768 the reasons get seven tenths and the requests still show
    // five rows (the splitter hands the requests more when dragged).
    split_->setStretchFactor(0, 7);
    split_->setStretchFactor(1, 3);
    split_->setSizes({700, 300});
    auto* cl = new QVBoxLayout(content_);
    cl->setContentsMargins(0, 0, 0, 0);
    cl->addWidget(split_);
    content_->hide();
    applyRequestsFold();
    showAlert(0); // no case yet: says so
}

// Short (an investigation view raised below has the height, and lists the same events in time),
// the tables fold to their caption line and the reasons keep the height; "Show" unfolds them.
void AlertDetailWidget::layOutFactors() {
    while (QLayoutItem* item = factors_->takeAt(0)) {
        delete item; // the widgets stay: factorRows_ holds them
    }
    // Stacked, the sentence takes the row under its name and bar; the bar column no longer
    // stretches, so the names and bars keep to the left as they do side by side.
    factors_->setColumnStretch(1, narrow_ ? 0 : 1);
    factors_->setColumnStretch(2, 3);
    int row = 0;
    for (const FactorRow& f : std::as_const(factorRows_)) {
        factors_->addWidget(f.name, row, 0, Qt::AlignTop);
        factors_->addWidget(f.bar, row, 1, Qt::AlignTop);
        // Stacked, the sentence is indented under its name, so each factor reads as one block.
        f.sentence->setIndent(narrow_ ? fontMetrics().horizontalAdvance(QLatin1Char('M')) : -1);
        if (narrow_) {
            factors_->addWidget(f.sentence, row + 1, 0, 1, 3);
            row += 2;
        } else {
            factors_->addWidget(f.sentence, row, 2);
            ++row;
        }
    }
}

void AlertDetailWidget::resizeEvent(QResizeEvent* event) {
    QWidget::resizeEvent(event);
    if (const bool isNarrow = width() < kNarrowWidth; isNarrow != narrow_) {
        narrow_ = isNarrow;
        layOutFactors();
    }
    if (const bool isShort = height() < kShortHeight; isShort != short_) {
        short_ = isShort;
        requestsFolded_ = isShort;
        // Short, the reasons come straight after the summary, the endpoint and the buttons after them.
        infoLayout_->removeWidget(reasons_);
        infoLayout_->insertWidget(infoLayout_->indexOf(context_) + (isShort ? 0 : 1), reasons_);
        applyRequestsFold();
    } else if (requestsFolded_) {
        applyRequestsFold(); // the splitter shared the new height out by its stretch
    }
}

void AlertDetailWidget::applyRequestsFold() {
    requestView_->setVisible(!requestsFolded_ && wantRequestView_);
    requestsNote_->setVisible(!requestsFolded_ && wantRequestsNote_);
    sensorView_->setVisible(!requestsFolded_ && wantSensorView_);
    foldRequests_->setText(requestsFolded_ ? tr("Show") : tr("Hide"));
    foldRequests_->setToolTip(requestsFolded_ ? tr("Show this channel's requests here")
                                              : tr("Fold the requests to this line and give the reasons the height"));
    // Unfolded, the splitter keeps what the analyst dragged it to, alert after alert; only coming
    // out of the fold gives the tables their three tenths back.
    const int total = split_->height();
    if (requestsFolded_) {
        const int line = split_->widget(1)->minimumSizeHint().height();
        split_->setSizes({std::max(total - line, 1), line});
    } else if (sizesFolded_ && total > 0) {
        split_->setSizes({total * 7 / 10, total - total * 7 / 10});
    }
    sizesFolded_ = requestsFolded_;
}

void AlertDetailWidget::setCase(const QString& casePath) {
    casePath_ = casePath;
    showAlert(0);
}

void AlertDetailWidget::refresh() {
    if (alertId_) {
        showAlert(alertId_);
    }
}

void AlertDetailWidget::setHiddenAlert(qint64 alertId) {
    hiddenAlert_ = alertId;
    hiddenNote_->setVisible(alertId != 0 && alertId == alertId_);
}

bool AlertDetailWidget::isHiddenNoteShown() const {
    return !hiddenNote_->isHidden();
}

void AlertDetailWidget::showAlert(qint64 alertId) {
    const quint64 g = ++generation_;
    const bool same = alertId == alertId_;
    alertId_ = alertId;
    hiddenNote_->setVisible(hiddenAlert_ != 0 && alertId == hiddenAlert_);
    if (!alertId || casePath_.isEmpty() || alertId < 0) {
        // What to do next (it said "select a channel in the alert queue" with no case open, and
        // kept a failed load's message after the case closed).
        empty_->setText(
            casePath_.isEmpty()
                ? tr("No case open. Open one (Ctrl+O) or start one (Ctrl+N), then drop logs on the window.")
                : tr("Select a channel in the alert queue and press Enter to see why it scored as it did."));
        detail_ = AlertDetail{};
        requests_->setRequests(casePath_, {});
        sensors_->setConnections({}, 0);
        content_->hide();
        sigma_->hide();
        empty_->show();
        if (alertId < 0 && !casePath_.isEmpty()) {
            showSigma(alertId, g);
        }
        return;
    }
    auto* watcher = new QFutureWatcher<AlertDetail>(this);
    connect(watcher, &QFutureWatcher<AlertDetail>::finished, this, [this, watcher, g, same] {
        watcher->deleteLater();
        if (g != generation_) {
            return; // the analyst moved on
        }
        AlertDetail d = watcher->result();
        const bool sameRequests = same && d.proxyIds == detail_.proxyIds;
        detail_ = std::move(d);
        display(detail_);
        if (!sameRequests) {
            requests_->setRequests(casePath_, detail_.proxyIds);
            if (requests_->canFetchMore({})) {
                requests_->fetchMore({});
            }
        }
        emit loaded();
    });
    watcher->setFuture(QtConcurrent::run([path = casePath_, alertId] { return loadAlertDetail(path, alertId); }));
}

void AlertDetailWidget::showSigma(qint64 itemId, quint64 generation) {
    auto* watcher = new QFutureWatcher<SigmaDetail>(this);
    connect(watcher, &QFutureWatcher<SigmaDetail>::finished, this, [this, watcher, generation] {
        watcher->deleteLater();
        if (generation != generation_) {
            return;
        }
        sigmaDetail_ = watcher->result();
        if (!sigmaDetail_.found) {
            empty_->setText(sigmaDetail_.error);
            empty_->show();
            sigma_->hide();
        } else {
            empty_->hide();
            sigma_->display(sigmaDetail_);
            sigma_->show();
        }
        emit loaded();
    });
    watcher->setFuture(QtConcurrent::run([path = casePath_, itemId] { return loadSigmaDetail(path, itemId); }));
}

void AlertDetailWidget::displaySigmaMatches(const SigmaChannelMatches& m) {
    sigmaLine_->setText(visibleText(sigmaMatchesSentence(m)));
    sigmaLine_->setVisible(!m.items.isEmpty());
    auto* links = static_cast<QHBoxLayout*>(sigmaLinks_->layout());
    while (QLayoutItem* item = links->takeAt(0)) {
        delete item->widget();
        delete item;
    }
    constexpr int kLinks = 4; // the rest are in the sentence and the queue
    for (int i = 0; i < m.items.size() && i < kLinks; ++i) {
        const SigmaChannelMatch item = m.items[i];
        auto* button = new QToolButton(sigmaLinks_);
        button->setObjectName(QStringLiteral("sigmaLink%1").arg(i));
        // The title is a rule author's text: elided, plain (a tool button has no markup).
        QString title = item.title.size() > 48 ? item.title.left(47) + QChar(0x2026) : item.title;
        title.replace(QLatin1Char('&'), QStringLiteral("&&")); // not a mnemonic
        button->setText(tr("Open Sigma: %1").arg(visibleText(title)));
        button->setToolTip(plainToolTip(item.title));
        connect(button, &QToolButton::clicked, this,
                [this, item] { emit sigmaItemRequested(item.itemId, item.itemKey); });
        links->addWidget(button);
    }
    links->addStretch(1);
    sigmaLinks_->setVisible(!m.items.isEmpty());
}

void AlertDetailWidget::display(const AlertDetail& d) {
    sigma_->hide();
    if (!d.found) {
        empty_->setText(d.error);
        empty_->show();
        content_->hide();
        return;
    }
    displaySigmaMatches(d.sigma);
    empty_->hide();
    content_->show();
    const QLocale l;
    const AlertRow& r = d.row;
    title_->setText(visibleText(
        QStringLiteral("%1 \u00b7 %2 \u2192 %3")
            .arg(r.host, r.processName.isEmpty() ? tr("(process not attributed)") : r.processName, r.destination)));
    QStringList parts;
    parts << tr("Score %1 (%2)").arg(r.score, 0, 'f', 0).arg(r.severity);
    parts << tr("status %1").arg(AlertTableModel::statusLabel(r.status));
    if (!r.service.isEmpty()) {
        parts << (d.serviceCategory.isEmpty() ? tr("service %1").arg(r.service)
                                              : tr("service %1 (%2)").arg(r.service, d.serviceCategory));
    }
    if (!r.hostRole.isEmpty()) {
        parts << tr("role %1").arg(r.hostRole);
    }
    QString text = parts.join(QStringLiteral(" \u00b7 "));
    text += QLatin1Char('\n') + pollsSentence(d);
    if (r.medianInterval >= 0 && !r.unmeasurable) {
        text += tr(", every %1").arg(AlertTableModel::formatInterval(r.medianInterval));
        if (r.jitter >= 0) {
            text += tr(", jitter %1").arg(r.jitter, 0, 'f', 2);
        }
    }
    text += QLatin1Char('\n') + tr("%1 to %2 UTC \u00b7 sent %3, received %4")
                                    .arg(utcSecondsFromUs(r.firstTs), utcSecondsFromUs(r.lastTs),
                                         sizeOrNotLogged(d.bytesOut), sizeOrNotLogged(d.bytesIn));
    if (!d.hostIps.isEmpty()) {
        text += QLatin1Char('\n') + tr("Host addresses: %1").arg(d.hostIps);
    }
    if (d.hostShared) {
        text += QLatin1Char('\n') + tr("Shared host: %1").arg(d.hostSharedReason);
    }
    if (!r.alsoInSiem.isEmpty()) {
        text += QLatin1Char('\n') + alsoInSiemLine(r);
    }
    summary_->setText(visibleText(text));
    endpoint_->setText(r.endpoint.isEmpty() ? QString() : tr("Endpoint: %1").arg(visibleText(r.endpoint)));
    endpoint_->setVisible(!r.endpoint.isEmpty());
    endpoint_->setToolTip(plainToolTip(r.endpoint));

    // Factors, largest first.
    while (QLayoutItem* item = factors_->takeAt(0)) {
        delete item->widget();
        delete item;
    }
    factorRows_.clear();
    double scale = 0;
    for (const ScoreFactor& f : d.factors) {
        scale = qMax(scale, std::abs(f.contribution));
    }
    for (const ScoreFactor& f : d.factors) {
        QLabel* name = plainLabel(false);
        name->setText(f.name);
        QLabel* sentence = plainLabel();
        sentence->setText(visibleText(f.detail));
        sentence->setToolTip(plainToolTip(f.detail));
        factorRows_.push_back({name, new FactorBar(f.contribution, scale, factorsBox_), sentence});
    }
    layOutFactors();
    if (d.factors.isEmpty()) {
        QLabel* none = plainLabel();
        none->setText(tr("The scoring engine recorded no factors for this channel."));
        factors_->addWidget(none, 0, 0, 1, 3);
    }

    QStringList members;
    for (const AlertDetail::Member& m : d.members) {
        members << tr("%1 %2 (%3)").arg(l.toString(m.count), memberSourceWords(m.source), namingWords(m.naming));
    }
    if (members.isEmpty()) {
        members << tr("This channel's features predate member sources: score the case again to see them.");
    } else if (!d.timingSource.isEmpty()) {
        members << tr("Cadence: %1").arg(d.timingNote);
    }
    for (const SensorSource& source : d.sensorSources) {
        members << seenBySentence(source);
    }
    members_->setText(visibleText(members.join(QLatin1Char('\n'))));
    QStringList alerts;
    for (const SensorAlertRow& a : d.sensorAlerts) {
        alerts << sensorAlertSentence(a);
    }
    sensorAlertsCaption_->setText(
        d.sensorAlertTotal > d.sensorAlerts.size()
            ? tr("Sensor alerts (%1, the first %2 by time shown)")
                  .arg(l.toString(d.sensorAlertTotal), l.toString(qint64(d.sensorAlerts.size())))
            : tr("Sensor alerts (%1)").arg(l.toString(d.sensorAlertTotal)));
    sensorAlerts_->setText(visibleText(alerts.join(QLatin1Char('\n'))));
    sensorAlertsCaption_->setVisible(!alerts.isEmpty());
    sensorAlerts_->setVisible(!alerts.isEmpty());

    if (r.processImage.isEmpty()) {
        process_->setText(
            tr("No process was attributed: the requests could not be tied to Sysmon evidence on this host."));
        commandLine_->hide();
    } else {
        QString p = r.processImage;
        if (d.pid) {
            p += tr("  (PID %1)").arg(d.pid);
        }
        if (!d.processUser.isEmpty()) {
            p += tr("  user %1").arg(d.processUser);
        }
        if (!d.parentImage.isEmpty()) {
            p += QLatin1Char('\n') + tr("parent %1").arg(d.parentImage);
        }
        process_->setText(visibleText(p));
        commandLine_->setText(visibleText(d.commandLine));
        commandLine_->setToolTip(plainToolTip(d.commandLine));
        commandLine_->setVisible(!d.commandLine.isEmpty());
    }
    QStringList how;
    for (const AttributionSummary& a : d.attribution) {
        how << tr("%1: %2 requests (mean confidence %3)")
                   .arg(a.method, l.toString(a.requests))
                   .arg(a.meanConfidence, 0, 'f', 2);
    }
    if (d.unattributed > 0) {
        how << tr("not attributed: %1").arg(l.toString(d.unattributed));
    }
    attribution_->setText(how.isEmpty()
                              ? tr("How the process was attributed: no request of this channel is tied to a process.")
                              : tr("How the process was attributed \u2014 %1").arg(how.join(QStringLiteral("; "))));

    triage_->setText(triageText(r.status, d.triage, r.tags));
    requestsCaption_->setText(tr("Requests (%1)").arg(l.toString(qint64(d.proxyIds.size()))));
    // A channel only a network sensor saw has connections, not requests: list those instead of an
    // empty "Requests (0)".
    const qint64 sensorTotal = qint64(d.sensorIds.size());
    sensors_->setConnections(d.sensorConnections, sensorTotal);
    const bool hasSensor = sensorTotal > 0;
    const bool showRequests = !d.proxyIds.empty() || !hasSensor;
    requestsCaption_->setVisible(showRequests);
    exportRequests_->setVisible(showRequests && !d.proxyIds.empty());
    // A SIEM export's row: the case holds none of its requests; say why instead of an empty table.
    const QString siemNote = d.proxyIds.empty() ? siemRequestsNote(r) : QString();
    if (!siemNote.isEmpty()) {
        requestsCaption_->setText(tr("Requests: none in the case")); // not "Requests (0)": the note says why
    }
    // A SIEM export's row has no events in the case: no timeline, process tree or intervals to open.
    for (QPushButton* b : viewButtons_) {
        b->setEnabled(siemNote.isEmpty());
        b->setToolTip(siemNote.isEmpty()
                          ? QString()
                          : tr("Nothing to show: this channel is a row of a SIEM export, with no events in the "
                               "case. Import the host's raw logs and score again."));
    }
    requestsNote_->setText(visibleText(siemNote));
    wantRequestsNote_ = showRequests && !siemNote.isEmpty();
    wantRequestView_ = showRequests && siemNote.isEmpty();
    sensorCaption_->setVisible(hasSensor);
    wantSensorView_ = hasSensor;
    applyRequestsFold();
    sensorCaption_->setText(sensorTotal > d.sensorConnections.size()
                                ? tr("Sensor connections (%1, the first %2 by time shown)")
                                      .arg(l.toString(sensorTotal), l.toString(qint64(d.sensorConnections.size())))
                                : tr("Sensor connections (%1)").arg(l.toString(sensorTotal)));
}

} // namespace socwb
