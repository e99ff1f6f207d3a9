// One channel in full: why it scored what it did (each factor's contribution as a bar with the
// engine's sentence), the process and how its requests were tied to it, the analysts' triage,
// and its requests, paged (Export… writes them as CSV or JSON), and its network-sensor connections. Buttons open the
// host timeline, process tree and interval charts. Everything is read in a worker; a newer selection drops an older
// load. All text is plain.
#pragma once

#include "tables/alert_detail.h"

#include <QWidget>

class QGridLayout;
class QLabel;
class QPushButton;
class QScrollArea;
class QSplitter;
class QTableView;
class QToolButton;
class QVBoxLayout;

namespace socwb {

class ChannelRequestModel;
class ChannelSensorModel;
class SigmaDetailWidget;

class AlertDetailWidget : public QWidget {
    Q_OBJECT
  public:
    explicit AlertDetailWidget(QWidget* parent = nullptr);

    void setCase(const QString& casePath);
    // Loads and shows the alert (0 clears; a negative id is a Sigma item); loaded() follows.
    void showAlert(qint64 alertId);
    // Re-reads the shown alert (after triage).
    void refresh();
    // The queue's filter hides ALERTID, the queue's current alert (AlertQueueDock::hiddenAlertChanged;
    // 0: none is hidden): while the detail shows it, a line above says so, and that the queue's
    // keys still act on it.
    void setHiddenAlert(qint64 alertId);
    bool isHiddenNoteShown() const;
    // The factors' sentences are under their names (a narrow detail), not beside them.
    bool factorsStacked() const { return narrow_; }
    qint64 alertId() const { return alertId_; }
    const AlertDetail& detail() const { return detail_; }
    ChannelRequestModel* requestModel() const { return requests_; }
    ChannelSensorModel* sensorModel() const { return sensors_; }
    // The Sigma item shown (alertId() < 0).
    const SigmaDetail& sigmaDetail() const { return sigmaDetail_; }
    SigmaDetailWidget* sigmaWidget() const { return sigma_; }

    // Building blocks the Sigma item's detail shares: a plain-text label (wrapping lines cut long
    // words instead of widening the pane), a bold heading, the scrolling area of the facts, a
    // table of rows (fixed row heights, no grid of row numbers), a column as wide as SAMPLE, and
    // the triage's text.
    static QLabel* makePlainLabel(QWidget* parent, bool wrap = true);
    static QLabel* makeHeading(QWidget* parent, const QString& text);
    static QScrollArea* makeInfoScroll(QWidget* parent, QWidget* info);
    static void setUpRowTable(QTableView* view);
    static QString triageText(const QString& status, const TriageRecord& triage, const QString& tags);

  signals:
    void loaded();
    // "timeline", "process-tree" or "intervals", for the shown channel.
    void openViewRequested(const QString& view, qint64 alertId);
    // The requests' Export… button.
    void exportRequestsRequested(qint64 alertId);
    // A Sigma item named on a channel's detail was clicked.
    void sigmaItemRequested(qint64 itemId, const QString& itemKey);

  protected:
    void resizeEvent(QResizeEvent* event) override;

  private:
    // Below this height the tables fold to their caption line (resizeEvent).
    static constexpr int kShortHeight = 360;
    void applyRequestsFold();
    void display(const AlertDetail& d);
    void showSigma(qint64 itemId, quint64 generation);
    void displaySigmaMatches(const SigmaChannelMatches& m);
    QLabel* plainLabel(bool wrap = true);

    QString casePath_;
    qint64 alertId_ = 0;
    quint64 generation_ = 0;
    AlertDetail detail_;
    QLabel* empty_;
    QLabel* hiddenNote_; // setHiddenAlert
    qint64 hiddenAlert_ = 0;
    SigmaDetail sigmaDetail_;
    SigmaDetailWidget* sigma_;
    // On a channel: the Sigma rules that matched its rows, and a button to each item.
    QLabel* sigmaLine_;
    QWidget* sigmaLinks_;
    QWidget* content_;
    QLabel* title_;
    QLabel* summary_;
    QLabel* endpoint_;
    QLabel* process_;
    QLabel* commandLine_;
    QLabel* attribution_;
    QLabel* members_; // member sources with counts, how each was named, the timing source, the sensors
    // A network sensor's alerts on the channel's flows (Suricata), under their own heading.
    QLabel* sensorAlertsCaption_;
    QLabel* sensorAlerts_;
    QLabel* triage_;
    QWidget* factorsBox_;
    QGridLayout* factors_;
    // Each factor's name, bar and sentence. Below kNarrowWidth (the overview's layout gives the
    // detail about 350 px) the sentence goes under its name and bar, across the width: beside them
    // it had a third of the width and took eight lines.
    struct FactorRow {
        QWidget* name;
        QWidget* bar;
        QLabel* sentence;
    };
    QVector<FactorRow> factorRows_;
    static constexpr int kNarrowWidth = 420; // 1366x768's default layout gives the detail ~470 px
    bool narrow_ = false;
    void layOutFactors();
    QTableView* requestView_;
    ChannelRequestModel* requests_;
    QLabel* requestsCaption_;
    // Why a SIEM export's row has no requests to list, in place of an empty table.
    QLabel* requestsNote_;
    QToolButton* exportRequests_;
    // Folds the requests' and the sensor connections' tables to their caption line, or shows them.
    QToolButton* foldRequests_;
    QSplitter* split_;            // the facts above, the tables below
    QVBoxLayout* infoLayout_;     // the facts, in the order they show
    QWidget* context_;            // the endpoint, the Sigma rules, the view buttons
    QWidget* reasons_;            // "Why this score" and the factors
    bool short_ = false;          // the widget is below kShortHeight
    bool requestsFolded_ = false; // short, unless the analyst asked for the tables
    bool sizesFolded_ = false;    // the splitter's sizes are the fold's
    // Which of the tables the shown channel has (display()); applyRequestsFold() shows them unfolded.
    bool wantRequestView_ = true, wantRequestsNote_ = false, wantSensorView_ = false;
    QList<QPushButton*> viewButtons_; // Host timeline, Process tree, Interval charts
    // A channel's network-sensor connections, where it has any (a sensor-only channel has no
    // requests to list).
    QTableView* sensorView_;
    ChannelSensorModel* sensors_;
    QLabel* sensorCaption_;
};

} // namespace socwb
