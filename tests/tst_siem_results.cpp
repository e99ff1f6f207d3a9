// Results back in (issue 21): the SIEM's export of the grouped rows socwb's hunt queries return,
// read as each product writes it, scored as pre-aggregated channels, and merged into the channels
// of the raw logs when those are imported. The sample case's rows (tests/fixtures/siem/, written
// by make_fixtures.py from the imported sample case, following the three queries step by step)
// come back ranked as the engine ranks the raw events.
#include "alert_detail_widget.h"
#include "collecting_sink.h"
#include "ingest/read/format_registry.h"
#include "scoring/answer_key.h"
#include "scoring/channel_features.h"
#include "scoring/scoring_engine.h"
#include "store/case_store.h"
#include "store/case_summary.h"
#include "store/statement.h"
#include "tables/alert_detail.h"
#include "tables/alert_table_model.h"
#include "test_paths.h"

#include <QDir>
#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLabel>
#include <QMap>
#include <QSet>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

#include <memory>

using namespace socwb;
using namespace socwb::scoring;
using namespace socwb::test;

namespace {

const QString kSample = QStringLiteral(SOCWB_SOURCE_DIR "/sample-data/");

QByteArray splunkCsv() {
    return "host,process,dest,shapes,polls,requests,intervals,median_interval_s,spread,gap_p25,gap_p75,bytes_out,"
           "bytes_in,paths,hosts_alike,fleet_wide,first_seen,last_seen\n"
           "WKS-LEG-01,C:\\Windows\\System32\\WindowsPowerShell\\v1.0\\powershell.exe,pastebin.com,\"pastebin: raw "
           "paste (command)\npastebin: paste download (command)\",288,290,287,300,0.04,294,306,123456,654321,1,1,no,"
           "03/04/2024 00:02:11,03/04/2024 23:57:40\n"
           "10.0.0.5,unattributed,api.telegram.org,,abc,12,11,60,0.1,57,63,1,2,1,1,no,03/04/2024 01:00:00,03/04/2024 "
           "02:00:00\n"
           "WKS-X,curl.exe,\"evil host.com\",,40,40,39,60,0.1,,,,,1,1,no,03/04/2024 01:00:00,03/04/2024 02:00:00\n"
           "WKS-Y,curl.exe,rentry.co,,40,40,39,60,0.1,,,,,1,1,no,03/04/2024 03:00:00,03/04/2024 02:00:00\n";
}

// Tables of alerts: (score, host, destination, process name, features) best first.
struct Ranked {
    double score = 0;
    QString host, destination, processName, severity;
    ChannelFeatures features;
};

std::vector<Ranked> ranked(sqlite3* db) {
    std::vector<Ranked> out;
    Statement st(db, "SELECT id, score, severity, features FROM alerts ORDER BY score DESC, id");
    while (st.step()) {
        Ranked r;
        r.score = st.real(1);
        r.severity = QString::fromStdString(st.text(2));
        r.features = ChannelFeatures::fromStored(st.int64(0), st.text(3));
        r.host = r.features.host;
        r.destination = r.features.destination;
        r.processName = r.features.processName;
        out.push_back(std::move(r));
    }
    return out;
}

// The sample's inventory: address -> host name (the SIEM's proxy rows name hosts by address).
QMap<QString, QString> inventory() {
    QMap<QString, QString> names;
    QFile f(kSample + QStringLiteral("case/assets.csv"));
    if (f.open(QIODevice::ReadOnly)) {
        for (const QByteArray& line : f.readAll().split('\n').mid(1)) {
            const QList<QByteArray> c = line.trimmed().split(',');
            if (c.size() >= 2) {
                names.insert(QString::fromUtf8(c[0]), QString::fromUtf8(c[1]));
            }
        }
    }
    return names;
}

std::vector<AnswerKeyItem> answerKey() {
    QFile f(kSample + QStringLiteral("truth.json"));
    if (!f.open(QIODevice::ReadOnly)) {
        return {};
    }
    return loadAnswerKey(QJsonDocument::fromJson(f.readAll()).object());
}

// The answer-key item a channel is: -1 none. A SIEM channel is named by the inventory where the
// SIEM gave an address, and has no URL (the export holds no path), so its endpoint is not compared.
int itemOf(const std::vector<AnswerKeyItem>& key, const Ranked& r, const QMap<QString, QString>& names) {
    ChannelFacts c;
    c.host = names.value(r.host, r.host);
    c.destination = r.destination;
    c.registered = r.features.registeredDomain;
    c.processName = r.processName;
    c.endpoint = r.features.fromSiem() ? QString() : r.features.endpoint;
    return matchItem(key, c);
}

} // namespace

class TestSiemResults : public QObject {
    Q_OBJECT
  private slots:
    void splunkCsvExactValues();
    void splunkJsonExportLines();
    void splunkUiJsonArray();
    void sentinelCsvPortalExport();
    void sentinelApiJson();
    void esqlResponseJson();
    void esqlKibanaCsv();
    void hostileText();
    void viaSrcAndPostShare();
    void lookupSeriesBesideAWebSeries();
    void refusedNamesWhatWasTried();
    void detectedByTheRegistry();
    void importKeepsRejectedRows();
    void queueAndDetailMarkTheRow();
    void sampleRowsRankLikeRawEvents_data();
    void sampleRowsRankLikeRawEvents();
    void rawImportAbsorbsTheRows();

  private:
    QTemporaryDir dir_;
    QString rawCase_; // the sample case imported and scored by socwb-cli, made once
};

void TestSiemResults::splunkCsvExactValues() {
    const CollectingSink s = parseText("siem-results", splunkCsv());
    QCOMPARE(s.siemRows.size(), size_t(1));
    const OwnedSiemRow& r = s.siemRows[0];
    QCOMPARE(r.product, std::string("splunk"));
    QCOMPARE(r.layout, std::string("csv"));
    QCOMPARE(r.line, int64_t(2));
    QCOMPARE(r.host, std::string("WKS-LEG-01"));
    QCOMPARE(r.process, std::string("C:\\Windows\\System32\\WindowsPowerShell\\v1.0\\powershell.exe"));
    QCOMPARE(r.dest, std::string("pastebin.com"));
    // Splunk writes a multivalue field one value a line inside the quotes.
    QCOMPARE(r.shapes, std::string("pastebin: raw paste (command); pastebin: paste download (command)"));
    QCOMPARE(r.polls, int64_t(288));
    QCOMPARE(r.requests, int64_t(290));
    QCOMPARE(r.intervals, int64_t(287));
    QCOMPARE(r.medianS, 300.0);
    QCOMPARE(r.spread, 0.04);
    QCOMPARE(r.p25, 294.0);
    QCOMPARE(r.p75, 306.0);
    QCOMPARE(r.bytesOut, int64_t(123456));
    QCOMPARE(r.bytesIn, int64_t(654321));
    QCOMPARE(r.paths, int64_t(1));
    QCOMPARE(r.hostsAlike, int64_t(1));
    QCOMPARE(r.firstUs, us("2024-03-04T00:02:11Z")); // convert ctime(), in the search's zone (UTC here)
    QCOMPARE(r.lastUs, us("2024-03-04T23:57:40Z"));
    // Rows 2-4 are rejected with their lines (the first row spans lines 2 and 3).
    QCOMPARE(s.rejects.size(), size_t(3));
    QCOMPARE(s.rejects[0].line, int64_t(4));
    QCOMPARE(s.rejects[0].reason, std::string("splunk csv: polls is not a count: 'abc'"));
    QCOMPARE(s.rejects[1].line, int64_t(5));
    QCOMPARE(s.rejects[1].reason, std::string("splunk csv: dest is not a host name: 'evil host.com'"));
    QCOMPARE(s.rejects[2].line, int64_t(6));
    QCOMPARE(s.rejects[2].reason, std::string("splunk csv: last_seen is before first_seen"));
    QVERIFY(s.rejects[2].raw.starts_with("WKS-Y,curl.exe,rentry.co"));

    // The same file in Berlin time: the ctime strings are local.
    const CollectingSink berlin = parseText("siem-results", splunkCsv(), QStringLiteral("Europe/Berlin"));
    QCOMPARE(berlin.siemRows.at(0).firstUs, us("2024-03-03T23:02:11Z"));
}

void TestSiemResults::splunkJsonExportLines() {
    const QByteArray text =
        "{\"preview\":false,\"offset\":0,\"result\":{\"host\":\"WKS-FIN-01\",\"process\":\"C:\\\\Tools\\\\curl.exe\","
        "\"dest\":\"API.Telegram.org\",\"shapes\":[\"telegram: bot API (command)\",\"telegram: send (output)\"],"
        "\"polls\":\"96\",\"requests\":\"97\",\"intervals\":\"95\",\"median_interval_s\":\"900\",\"spread\":\"0.012\","
        "\"gap_p25\":\"895\",\"gap_p75\":\"905.8\",\"bytes_out\":\"9600\",\"bytes_in\":\"48000\",\"paths\":\"1\","
        "\"hosts_alike\":\"1\",\"fleet_wide\":\"no\",\"first_seen\":\"03/04/2024 06:00:00\",\"last_seen\":"
        "\"03/04/2024 07:30:00\"}}\n"
        "{\"messages\":[{\"type\":\"INFO\",\"text\":\"Your timerange was substituted\"}]}\n"
        "{\"preview\":false,\"offset\":1,\"lastrow\":true,\"result\":{\"host\":\"WKS-2\",\"process\":\"unattributed\","
        "\"dest\":\"paste.ee\",\"polls\":\"7\",\"median_interval_s\":\"60\",\"spread\":\"NaN%\",\"first_seen\":"
        "\"03/04/2024 06:00:00\",\"last_seen\":\"03/04/2024 07:30:00\"}}\n"
        "not json at all\n";
    const CollectingSink s = parseText("siem-results", text);
    QCOMPARE(s.siemRows.size(), size_t(1));
    const OwnedSiemRow& r = s.siemRows[0];
    QCOMPARE(r.product, std::string("splunk"));
    QCOMPARE(r.layout, std::string("json"));
    QCOMPARE(r.line, int64_t(1));
    QCOMPARE(r.host, std::string("WKS-FIN-01"));
    QCOMPARE(r.process, std::string("C:\\Tools\\curl.exe"));
    QCOMPARE(r.dest, std::string("api.telegram.org")); // lower case, as the hunt's dest=lower(dest)
    QCOMPARE(r.shapes, std::string("telegram: bot API (command); telegram: send (output)"));
    QCOMPARE(r.polls, int64_t(96));
    QCOMPARE(r.requests, int64_t(97));
    QCOMPARE(r.medianS, 900.0);
    QCOMPARE(r.spread, 0.012);
    QCOMPARE(r.p75, 905.8);
    QCOMPARE(r.lastUs, us("2024-03-04T07:30:00Z"));
    QCOMPARE(s.rejects.size(), size_t(2));
    QCOMPARE(s.rejects[0].line, int64_t(3));
    QCOMPARE(s.rejects[0].reason, std::string("splunk json: spread is not a number: 'NaN%'"));
    QCOMPARE(s.rejects[1].line, int64_t(4));
    QVERIFY(QString::fromStdString(s.rejects[1].reason).startsWith(QStringLiteral("splunk json: not JSON")));
}

void TestSiemResults::splunkUiJsonArray() {
    const QByteArray text = "[\n {\"host\":\"h1\",\"process\":\"unattributed\",\"dest\":\"gist.github.com\",\"polls\":"
                            "\"12\",\"requests\":\"12\",\"intervals\":\"11\",\"median_interval_s\":\"3600\",\"spread\":"
                            "\"0\",\"first_seen\":\"03/04/2024 00:00:00\",\"last_seen\":\"03/04/2024 11:00:00\"},\n"
                            " {\"host\":\"h2\",\"dest\":\"gist.github.com\",\"median_interval_s\":\"3600\",\"spread\":"
                            "\"0\",\"first_seen\":\"03/04/2024 00:00:00\",\"last_seen\":\"03/04/2024 11:00:00\"}\n]\n";
    const CollectingSink s = parseText("siem-results", text);
    QCOMPARE(s.siemRows.size(), size_t(1));
    QCOMPARE(s.siemRows[0].process, std::string("unattributed"));
    QCOMPARE(s.siemRows[0].medianS, 3600.0);
    QCOMPARE(s.siemRows[0].spread, 0.0);
    QCOMPARE(s.rejects.size(), size_t(1));
    QCOMPARE(s.rejects[0].line, int64_t(2)); // a JSON document's rows are numbered
    QCOMPARE(s.rejects[0].reason, std::string("splunk json: polls is empty"));
}

void TestSiemResults::sentinelCsvPortalExport() {
    // Log Analytics' export: a byte order mark, CRLF, "[UTC]" header suffixes, US times; dynamic
    // columns as JSON text; booleans as True/False.
    const QByteArray text =
        "\xEF\xBB\xBFhost,process,dest,shapes,polls,intervals,median_interval_s,spread,gap_p25,gap_p75,bytes_out,"
        "bytes_in,paths,hosts_alike,image_devices,fleet_wide,\"first_seen [UTC]\",\"last_seen [UTC]\"\r\n"
        "WKS-DEV-01,cryptsvc.exe,api.github.com,\"[\"\"github: repository API (command)\"\"]\",140,139,600,0.5,450,"
        "750,,,1,1,1,False,\"3/4/2024, 8:05:00.000 AM\",\"3/4/2024, 11:59:59.500 PM\"\r\n";
    const CollectingSink s = parseText("siem-results", text);
    QCOMPARE(s.rejects.size(), size_t(0));
    QCOMPARE(s.siemRows.size(), size_t(1));
    const OwnedSiemRow& r = s.siemRows[0];
    QCOMPARE(r.product, std::string("sentinel"));
    QCOMPARE(r.host, std::string("WKS-DEV-01"));
    QCOMPARE(r.process, std::string("cryptsvc.exe"));
    QCOMPARE(r.shapes, std::string("github: repository API (command)"));
    QCOMPARE(r.requests, int64_t(-1)); // KQL has no requests column
    QCOMPARE(r.bytesOut, int64_t(-1)); // endpoint events carry no bytes: empty
    QCOMPARE(r.medianS, 600.0);
    QCOMPARE(r.spread, 0.5);
    QCOMPARE(r.firstUs, us("2024-03-04T08:05:00Z"));
    QCOMPARE(r.lastUs, us("2024-03-04T23:59:59.5Z"));
}

void TestSiemResults::sentinelApiJson() {
    const QByteArray text =
        R"x({"Schema":[{"Name":"host","Type":"String"},{"Name":"process","Type":"String"},{"Name":"dest","Type":"String"},)x"
        R"x({"Name":"polls","Type":"Int64"},{"Name":"median_interval_s","Type":"Double"},{"Name":"spread","Type":"Double"},)x"
        R"x({"Name":"first_seen","Type":"DateTime"},{"Name":"last_seen","Type":"DateTime"}],"Results":[)x"
        R"x({"host":"wks-leg-02.corp.example","process":"certutil.exe","dest":"docs.google.com","polls":48,)x"
        R"x("median_interval_s":1800.5,"spread":0.2,"first_seen":"2024-03-04T09:00:00.1234567Z",)x"
        R"x("last_seen":"2024-03-05T09:00:00Z"},)x"
        R"x({"host":"x","process":"y","dest":"docs.google.com","polls":-3,"median_interval_s":1,"spread":0,)x"
        R"x("first_seen":"2024-03-04T09:00:00Z","last_seen":"2024-03-05T09:00:00Z"}]})x";
    const CollectingSink s = parseText("siem-results", text);
    QCOMPARE(s.siemRows.size(), size_t(1));
    const OwnedSiemRow& r = s.siemRows[0];
    QCOMPARE(r.product, std::string("sentinel"));
    QCOMPARE(r.layout, std::string("json"));
    QCOMPARE(r.host, std::string("wks-leg-02.corp.example"));
    QCOMPARE(r.polls, int64_t(48));
    QCOMPARE(r.medianS, 1800.5);
    QCOMPARE(r.firstUs, us("2024-03-04T09:00:00.123456Z"));
    QCOMPARE(s.rejects.size(), size_t(1));
    QCOMPARE(s.rejects[0].line, int64_t(2));
    QCOMPARE(s.rejects[0].reason, std::string("sentinel json: polls is not a count: '-3'"));
}

void TestSiemResults::esqlResponseJson() {
    const QByteArray text =
        R"x({"took":28,"is_partial":false,"columns":[{"name":"host_name","type":"keyword"},)x"
        R"x({"name":"process_name","type":"keyword"},{"name":"dest","type":"keyword"},{"name":"shapes","type":"keyword"},)x"
        R"x({"name":"polls","type":"long"},{"name":"intervals","type":"long"},{"name":"median_interval_s","type":"double"},)x"
        R"x({"name":"spread","type":"double"},{"name":"bytes_out","type":"long"},{"name":"first_seen","type":"date"},)x"
        R"x({"name":"last_seen","type":"date"}],"values":[)x"
        R"x(["10.1.2.3","unattributed","paste.ee",["paste.ee: raw paste (command)",""],600,599,300.0,0.083,null,)x"
        R"x("2024-03-04T00:00:00.000Z","2024-03-04T23:55:00.000Z"],)x"
        R"x("not a row"]})x";
    const CollectingSink s = parseText("siem-results", text);
    QCOMPARE(s.siemRows.size(), size_t(1));
    const OwnedSiemRow& r = s.siemRows[0];
    QCOMPARE(r.product, std::string("elastic"));
    QCOMPARE(r.layout, std::string("json"));
    QCOMPARE(r.host, std::string("10.1.2.3"));
    QCOMPARE(r.shapes, std::string("paste.ee: raw paste (command)")); // the empty shape of VALUES() dropped
    QCOMPARE(r.polls, int64_t(600));
    QCOMPARE(r.spread, 0.083);
    QCOMPARE(r.bytesOut, int64_t(-1));
    QCOMPARE(r.lastUs, us("2024-03-04T23:55:00Z"));
    QCOMPARE(s.rejects.size(), size_t(1));
    QCOMPARE(s.rejects[0].line, int64_t(2));
    QCOMPARE(s.rejects[0].reason, std::string("elastic json: a row of values is not an array"));
}

void TestSiemResults::esqlKibanaCsv() {
    // Kibana's CSV export: its default date format, multivalue fields comma-joined.
    const QByteArray text =
        "host_name,process_name,dest,shapes,polls,intervals,median_interval_s,spread,first_seen,"
        "last_seen\n"
        "WKS-OPS-01,wscript.exe,paste.ee,\"paste.ee: raw paste (command), paste.ee: paste API "
        "(output)\",50,49,1200,0.25,\"Mar 4, 2024 @ 08:00:00.000\",\"Mar 4, 2024 @ 23:40:00.000\"\n";
    const CollectingSink s = parseText("siem-results", text);
    QCOMPARE(s.rejects.size(), size_t(0));
    QCOMPARE(s.siemRows.size(), size_t(1));
    QCOMPARE(s.siemRows[0].product, std::string("elastic"));
    QCOMPARE(s.siemRows[0].shapes, std::string("paste.ee: raw paste (command); paste.ee: paste API (output)"));
    QCOMPARE(s.siemRows[0].firstUs, us("2024-03-04T08:00:00Z"));
    QCOMPARE(s.siemRows[0].lastUs, us("2024-03-04T23:40:00Z"));
}

void TestSiemResults::hostileText() {
    // Markup, quotes, bidirectional overrides and SQL are kept as the text they are; control
    // characters, invalid UTF-8 in the destination and overlong text are rejected with the line.
    const QByteArray longHost(5000, 'h');
    const QByteArray text = "host,process,dest,polls,median_interval_s,spread,first_seen,last_seen\n"
                            "\"<b>WKS</b>'); DROP TABLE alerts;--\",\"C:\\a\\\xE2\x80\xAE"
                            "exe.txt\",pastebin.com,10,60,0.1,"
                            "2024-03-04T00:00:00Z,2024-03-04T01:00:00Z\n"
                            "\"ctl\x01host\",x,pastebin.com,10,60,0.1,2024-03-04T00:00:00Z,2024-03-04T01:00:00Z\n"
                            "h,x,\"paste\xFF.ee\",10,60,0.1,2024-03-04T00:00:00Z,2024-03-04T01:00:00Z\n" +
                            longHost +
                            ",x,pastebin.com,10,60,0.1,2024-03-04T00:00:00Z,2024-03-04T01:00:00Z\n"
                            "h,x,pastebin.com,10,60,0.1,1970-01-01T00:00:05Z,2024-03-04T01:00:00Z\n"
                            "h,x,pastebin.com,10,60,\"0.1\n";
    const CollectingSink s = parseText("siem-results", text);
    QCOMPARE(s.siemRows.size(), size_t(2)); // the 1970 time passes here: the import's plausibility filter rejects it
    QCOMPARE(s.siemRows[1].line, int64_t(6));
    QCOMPARE(s.siemRows[0].host, std::string("<b>WKS</b>'); DROP TABLE alerts;--"));
    QCOMPARE(s.siemRows[0].process, std::string("C:\\a\\\xE2\x80\xAE"
                                                "exe.txt"));
    QCOMPARE(s.siemRows[0].product, std::string("sentinel")); // no requests column, no host_name
    QCOMPARE(s.rejects.size(), size_t(4));
    QCOMPARE(s.rejects[0].line, int64_t(3));
    QCOMPARE(s.rejects[0].reason, std::string("sentinel csv: a control character in host, process or shapes"));
    QCOMPARE(s.rejects[1].line, int64_t(4));
    QCOMPARE(s.rejects[1].reason, std::string("sentinel csv: dest is not a host name: 'paste\\xFF.ee'"));
    QCOMPARE(s.rejects[2].line, int64_t(5));
    QCOMPARE(s.rejects[2].reason, std::string("sentinel csv: host, process or shapes longer than 4096 bytes"));
    QCOMPARE(s.rejects[3].line, int64_t(7));
    QCOMPARE(s.rejects[3].reason, std::string("sentinel csv: unterminated quote"));
}

void TestSiemResults::viaSrcAndPostShare() {
    // The series' kind, its client addresses (a multivalue cell) and its POST share are read; a
    // via that is neither, a share above 1 and a src that is no address are refused with the line.
    const QByteArray text = "host_name,process_name,dest,via,src,polls,median_interval_s,spread,post_share,first_seen,"
                            "last_seen\n"
                            "WKS-1,a.exe,pastebin.com,dns,\"10.0.0.5, FE80::1\",10,60,0.1,,2024-03-04T00:00:00Z,"
                            "2024-03-04T01:00:00Z\n"
                            "10.0.0.5,unattributed,pastebin.com,WEB,10.0.0.5,10,60,0.1,0.25,2024-03-04T00:00:00Z,"
                            "2024-03-04T01:00:00Z\n"
                            "h,x,pastebin.com,tcp,10.0.0.5,10,60,0.1,,2024-03-04T00:00:00Z,2024-03-04T01:00:00Z\n"
                            "h,x,pastebin.com,web,10.0.0.5,10,60,0.1,1.5,2024-03-04T00:00:00Z,2024-03-04T01:00:00Z\n"
                            "h,x,pastebin.com,web,<img src=x>,10,60,0.1,,2024-03-04T00:00:00Z,2024-03-04T01:00:00Z\n";
    const CollectingSink s = parseText("siem-results", text);
    QCOMPARE(s.siemRows.size(), size_t(2));
    QCOMPARE(s.siemRows[0].via, std::string("dns"));
    QCOMPARE(s.siemRows[0].src, std::string("10.0.0.5; fe80::1"));
    QCOMPARE(s.siemRows[0].postShare, -1.0);
    QCOMPARE(s.siemRows[1].via, std::string("web"));
    QCOMPARE(s.siemRows[1].src, std::string("10.0.0.5"));
    QCOMPARE(s.siemRows[1].postShare, 0.25);
    QCOMPARE(s.rejects.size(), size_t(3));
    QCOMPARE(s.rejects[0].reason, std::string("elastic csv: via is neither web nor dns: 'tcp'"));
    QCOMPARE(s.rejects[1].reason, std::string("elastic csv: post_share is above 1"));
    QCOMPARE(s.rejects[2].reason, std::string("elastic csv: src is not a list of addresses: '<img src=x>'"));
}

void TestSiemResults::lookupSeriesBesideAWebSeries() {
    // ES|QL's rows of one host: the proxy's web series by address, the endpoint's lookups of the
    // same name by host name (its addresses as src) with the process; a second web series to an
    // unknown shape; and another host's lookups alone.
    const QString csv = dir_.filePath(QStringLiteral("aside.csv"));
    {
        QFile f(csv);
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write("host_name,process_name,dest,via,src,shapes,polls,intervals,median_interval_s,spread,post_share,"
                "first_seen,last_seen\n"
                "10.0.0.5,unattributed,pastebin.com,web,10.0.0.5,,40,39,300,0.05,0,2024-03-04T00:00:00Z,"
                "2024-03-04T04:00:00Z\n"
                "10.0.0.5,unattributed,pastebin.com,web,10.0.0.5,x: unknown (command),30,29,300,0.05,0,"
                "2024-03-04T00:00:00Z,2024-03-04T03:00:00Z\n"
                "WKS-1,chrome.exe,pastebin.com,dns,10.0.0.5,,12,11,1200,0.05,,2024-03-04T00:00:00Z,"
                "2024-03-04T04:00:00Z\n"
                "WKS-1,evil.exe,pastebin.com,dns,10.0.0.5,,40,39,300,0.05,,2024-03-04T00:00:00Z,"
                "2024-03-04T04:00:00Z\n"
                "10.0.0.9,unattributed,pastebin.com,dns,10.0.0.9,,40,39,300,0.05,,2024-03-04T00:00:00Z,"
                "2024-03-04T04:00:00Z\n");
    }
    auto store = CaseStore::open(dir_.filePath(QStringLiteral("aside.socwb")));
    QCOMPARE(importInto(*store, csv).accepted, int64_t(5));
    QCOMPARE(ScoringEngine(*store).run(ScoreMode::Full).status, QStringLiteral("done"));
    // Both web series stay apart (the unknown shape keeps them so), named by the host the lookups
    // give the address, with the busiest lookup series' process; WKS-1's lookups are set aside;
    // 10.0.0.9's lookups, with no web series, are a channel.
    QCOMPARE(queryText(store->db(), "SELECT group_concat(host || '|' || coalesce(process_name, '-') || '|' || "
                                    "json_extract(features, '$.polls'), ';') FROM (SELECT * FROM alerts ORDER BY "
                                    "host, json_extract(features, '$.polls'))"),
             std::string("10.0.0.9|-|40;WKS-1|evil.exe|30;WKS-1|evil.exe|40"));
    QCOMPARE(queryText(store->db(), "SELECT host_ips FROM alerts WHERE host = 'WKS-1' LIMIT 1"),
             std::string("10.0.0.5"));
    QVERIFY(queryText(store->db(), "SELECT factors FROM alerts WHERE host = 'WKS-1' LIMIT 1")
                .find("the process from the host's lookups of the name, row 5") != std::string::npos);
    // The Hosts pane of a case of SIEM rows alone lists their hosts, with the rows' addresses.
    const QVector<HostRow> hosts = readHostRows(store->db());
    QCOMPARE(hosts.size(), 2);
    QCOMPARE(hosts[0].name, QStringLiteral("10.0.0.9"));
    QCOMPARE(hosts[0].addresses, QStringList{QStringLiteral("10.0.0.9")});
    QCOMPARE(hosts[0].alerts, int64_t(1));
    QCOMPARE(hosts[1].name, QStringLiteral("WKS-1"));
    QCOMPARE(hosts[1].addresses, QStringList{QStringLiteral("10.0.0.5")});
    QCOMPARE(hosts[1].alerts, int64_t(2));
    QCOMPARE(hosts[1].role, QStringLiteral("SIEM rows only"));
    QVERIFY(hosts[1].id < 0);
}

void TestSiemResults::refusedNamesWhatWasTried() {
    try {
        parseText("siem-results", "host,dest,count\nh,pastebin.com,3\n");
        QFAIL("a CSV without the hunt's columns was read");
    } catch (const std::runtime_error& e) {
        const QString m = QString::fromUtf8(e.what());
        QVERIFY2(m.contains(QStringLiteral("no column polls, median_interval_s, spread")), qPrintable(m));
        QVERIFY2(m.contains(QStringLiteral("tried Splunk CSV and JSON, Microsoft Defender / Sentinel CSV and JSON, "
                                           "Elastic ES|QL CSV and JSON")),
                 qPrintable(m));
    }
    try {
        parseText("siem-results", R"x({"hits":{"total":0}})x");
        QFAIL("an Elasticsearch search response was read as an ES|QL one");
    } catch (const std::runtime_error& e) {
        QVERIFY2(QString::fromUtf8(e.what()).contains(QStringLiteral("Elastic ES|QL CSV and JSON")), e.what());
    }
}

void TestSiemResults::detectedByTheRegistry() {
    for (const char* name : {"splunk-results.csv", "splunk-export.json", "sentinel-results.csv", "esql-response.json",
                             "esql-results.csv"}) {
        QFile f(fixture(QStringLiteral("siem/") + QLatin1String(name)));
        QVERIFY2(f.open(QIODevice::ReadOnly), name);
        SniffSample sample;
        sample.head = f.read(65536).toStdString();
        std::string_view rest(sample.head);
        while (!rest.empty() && sample.lines.size() < 64) {
            const size_t nl = rest.find('\n');
            sample.lines.push_back(rest.substr(0, nl));
            rest = nl == std::string_view::npos ? std::string_view() : rest.substr(nl + 1);
        }
        const Detection d = detectFormat(sample);
        QVERIFY2(d.format, qPrintable(d.reason));
        QCOMPARE(QString::fromLatin1(d.format->name), QStringLiteral("siem-results"));
    }
}

void TestSiemResults::importKeepsRejectedRows() {
    const QString csv = dir_.filePath(QStringLiteral("hostile.csv"));
    {
        QFile f(csv);
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write(splunkCsv());
        // A time outside the plausible years: rejected by the import's plausibility filter.
        f.write("h,x,pastebin.com,,10,10,9,60,0.1,,,,,1,1,no,01/01/1970 00:00:05,03/04/2024 02:00:00\n");
    }
    auto store = CaseStore::open(dir_.filePath(QStringLiteral("rejects.socwb")));
    const ImportResult r = importInto(*store, csv);
    QCOMPARE(r.status, QStringLiteral("imported"));
    QCOMPARE(r.accepted, int64_t(1));
    QCOMPARE(r.rejected, int64_t(4));
    sqlite3* db = store->db();
    QCOMPARE(queryInt(db, "SELECT count(*) FROM siem_rows").value_or(-1), int64_t(1));
    QCOMPARE(queryInt(db, "SELECT line_no FROM siem_rows").value_or(-1), int64_t(2));
    QCOMPARE(queryInt(db, "SELECT group_concat(line_no) = '4,5,6,7' FROM (SELECT line_no FROM rejected_lines "
                          "ORDER BY line_no)")
                 .value_or(-1),
             int64_t(1));
    QCOMPARE(queryInt(db, "SELECT records FROM evidence_contents WHERE kind = 'siem-rows'").value_or(-1), int64_t(1));
    QCOMPARE(queryText(db, "SELECT format FROM evidence"), std::string("siem-results"));

    // Scored: one channel, marked as the SIEM's, with the plain-text origin in its factors.
    const ScoreOutcome o = ScoringEngine(*store).run(ScoreMode::Full);
    QCOMPARE(o.status, QStringLiteral("done"));
    QCOMPARE(o.channels, qint64(1));
    const std::vector<Ranked> rows = ranked(db);
    QCOMPARE(rows.size(), size_t(1));
    const ChannelFeatures& f = rows[0].features;
    QVERIFY(f.fromSiem());
    QCOMPARE(f.siemOrigin,
             QStringLiteral("From Splunk export hostile.csv, row 2: 288 polls of 290 requests, median 300 s, "
                            "spread 0.04"));
    QCOMPARE(f.host, QStringLiteral("WKS-LEG-01"));
    QCOMPARE(f.processName, QStringLiteral("powershell.exe"));
    QCOMPARE(f.service, QStringLiteral("pastebin"));
    QCOMPARE(f.endpointRole, QStringLiteral("command"));
    QCOMPARE(f.intervals, int64_t(287));
    QCOMPARE(f.jitter, 0.02); // spread / 2
    QCOMPARE(f.ritaTs, 0.99); // skew 0 (quartiles symmetric), MAD score 0.98
    QCOMPARE(f.bandIntervals, int64_t(143));
    const QByteArray factors = queryText(db, "SELECT factors FROM alerts").c_str();
    QVERIFY2(factors.contains("\"siem_summary\""), factors.constData());
    QVERIFY2(factors.contains("not available from the SIEM's summary"), factors.constData());
    QCOMPARE(queryInt(db, "SELECT host_id IS NULL FROM alerts").value_or(-1), int64_t(1));
    // A re-score reads the stored features back and gives the same score.
    const double before = rows[0].score;
    QCOMPARE(ScoringEngine(*store).run(ScoreMode::Rescore).status, QStringLiteral("done"));
    QCOMPARE(ranked(db).at(0).score, before);
}

// The queue marks a SIEM row's requests and finds it by source:siem; its detail says why it lists
// no requests.
void TestSiemResults::queueAndDetailMarkTheRow() {
    const QString csv = dir_.filePath(QStringLiteral("mark.csv"));
    {
        QFile f(csv);
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write(splunkCsv());
    }
    const QString path = dir_.filePath(QStringLiteral("mark.socwb"));
    {
        auto store = CaseStore::open(path);
        QCOMPARE(importInto(*store, csv).accepted, int64_t(1));
        QCOMPARE(ScoringEngine(*store).run(ScoreMode::Full).status, QStringLiteral("done"));
    }
    const QString origin =
        QStringLiteral("From Splunk export mark.csv, row 2: 288 polls of 290 requests, median 300 s, spread 0.04");
    AlertTableModel m;
    QSignalSpy counted(&m, &AlertTableModel::countChanged);
    m.setCase(path);
    QVERIFY(counted.wait(10000));
    QCOMPARE(m.rowCount(), 1);
    m.rowAt(0);
    QVERIFY(QTest::qWaitFor([&] { return m.rowAt(0) != nullptr; }, 10000));
    const QModelIndex requests = m.index(0, AlertTableModel::RequestsColumn);
    QCOMPARE(requests.data().toString(), QStringLiteral("288 (SIEM)")); // the polls (alerts.requests)
    const QModelIndex process = m.index(0, AlertTableModel::ProcessColumn);
    QCOMPARE(process.data().toString(), QStringLiteral("powershell.exe (SIEM)"));
    QCOMPARE(process.data(Qt::ToolTipRole).toString(),
             QStringLiteral("<p style=\"white-space:pre-wrap\">%1</p>").arg(origin));
    QCOMPARE(requests.data(Qt::ToolTipRole).toString(),
             QStringLiteral("<p style=\"white-space:pre-wrap\">%1</p>").arg(origin));
    QCOMPARE(m.rowAt(0)->siemOrigin, origin);
    QCOMPARE(m.rowAt(0)->alsoInSiem, QString());
    const qint64 id = m.rowAt(0)->id;

    const struct {
        const char* filter;
        int rows;
    } kFilters[] = {{"source:siem", 1}, {"source:events", 0}, {"-source:siem", 0}, {"source:siem host:WKS-LEG-01", 1}};
    for (const auto& c : kFilters) {
        const AlertFilter f = parseAlertFilter(QString::fromLatin1(c.filter));
        QVERIFY(f.errors.isEmpty());
        m.setFilter(f);
        QVERIFY(counted.wait(10000));
        QVERIFY2(m.rowCount() == c.rows, c.filter);
    }

    const AlertDetail d = loadAlertDetail(path, id);
    QVERIFY2(d.found, qPrintable(d.error));
    QVERIFY(d.proxyIds.empty());
    QCOMPARE(siemRequestsNote(d.row),
             QStringLiteral("No events: this channel is a row of a SIEM export (%1). Import the host's raw logs for "
                            "its requests; they merge with it on the next score.")
                 .arg(origin));
    QCOMPARE(alsoInSiemLine(d.row), QString());

    // The detail names the requests as none in the case, with the note, not "Requests (0)".
    AlertDetailWidget w;
    w.resize(900, 700);
    w.show();
    QSignalSpy loaded(&w, &AlertDetailWidget::loaded);
    w.setCase(path);
    w.showAlert(id);
    QVERIFY(loaded.wait(10000));
    QStringList shown;
    for (const QLabel* l : w.findChildren<QLabel*>()) {
        if (l->isVisibleTo(&w)) {
            shown << l->text();
        }
    }
    QVERIFY2(shown.contains(QStringLiteral("Requests: none in the case")), qPrintable(shown.join(u'|')));
    QVERIFY(shown.contains(siemRequestsNote(d.row)));
    QVERIFY(!shown.contains(QStringLiteral("Requests (0)")));
}

void TestSiemResults::sampleRowsRankLikeRawEvents_data() {
    QTest::addColumn<QString>("file");
    QTest::addColumn<QString>("product");
    QTest::newRow("splunk csv") << QStringLiteral("splunk-results.csv") << QStringLiteral("splunk");
    QTest::newRow("splunk json") << QStringLiteral("splunk-export.json") << QStringLiteral("splunk");
    QTest::newRow("sentinel csv") << QStringLiteral("sentinel-results.csv") << QStringLiteral("sentinel");
    QTest::newRow("esql json") << QStringLiteral("esql-response.json") << QStringLiteral("elastic");
    QTest::newRow("esql csv") << QStringLiteral("esql-results.csv") << QStringLiteral("elastic");
}

// What is compared. The hunt sees what its query reads: proxy lines grouped by client address
// and endpoint shape, the host behind the address from Sysmon EID 3 and the process from EID 22,
// the image that looked the name up most often on that host (SPL; KQL the same from
// DeviceNetworkEvents and DeviceEvents' DnsQueryResponse), the DNS server's lookups of addresses
// that made no web request to the name (SPL, KQL; ES|QL keeps every lookup series, Sysmon's EID 22
// lookups with their process as Elastic Defend's DNS events, and the import sets a lookup series
// beside a web series of that host aside, giving its process to the web series), and only series
// it calls pollers.
// Each export holds all six planted channels: pastebin-powershell, telegram-curl,
// no-sysmon-wscript, jitter-unknown-binary and macro-gdocs-certutil from the proxy (each by its
// endpoint shape), dns-only-linux from the DNS server's log (DB01 -> rentry.co). Among the (host,
// destination) pairs an export holds:
//  - raw events (socwb-cli import + score of the sample case): every channel of a planted item
//    ranks above every channel that is not one;
//  - the export imported alone into an empty case and scored: every row of a planted item ranks
//    above every other row — the same order class — and the planted items found are the same.
void TestSiemResults::sampleRowsRankLikeRawEvents() {
    QFETCH(QString, file);
    QFETCH(QString, product);
    const std::vector<AnswerKeyItem> key = answerKey();
    QVERIFY(!key.empty());
    const QMap<QString, QString> names = inventory();
    QVERIFY(!names.isEmpty());

    auto store = CaseStore::open(dir_.filePath(file + QStringLiteral(".socwb")));
    const ImportResult imp = importInto(*store, fixture(QStringLiteral("siem/") + file));
    QCOMPARE(imp.status, QStringLiteral("imported"));
    QCOMPARE(imp.rejected, int64_t(0));
    QVERIFY(imp.accepted > 10);
    QCOMPARE(ScoringEngine(*store).run(ScoreMode::Full).status, QStringLiteral("done"));
    const std::vector<Ranked> rows = ranked(store->db());
    // Lookup series beside a web series of their host are set aside (ES|QL); every other row is a
    // channel of its own.
    QVERIFY2(static_cast<int64_t>(rows.size()) <= imp.accepted && rows.size() > 10,
             qPrintable(QStringLiteral("%1 channels of %2 rows").arg(rows.size()).arg(imp.accepted)));

    struct Side {
        double lowestPlanted = 101, highestOther = -1;
        QSet<QString> found;
        QStringList order;
        QMap<QString, double> best;  // host | destination -> its best row's score
        QMap<QString, QString> item; // host | destination -> the planted channel there
    };
    // A row without a process at a planted channel's host and destination is that channel as far
    // as the SIEM can tell (the answer key gives a bare host + destination to the look-alike).
    auto plantedAt = [&](const QString& host, const QString& dest) -> int {
        for (size_t i = 0; i < key.size(); ++i) {
            if (key[i].positive && key[i].destinationHost == dest && key[i].hosts.contains(host.toLower())) {
                return static_cast<int>(i);
            }
        }
        return -1;
    };
    auto tally = [&](Side& side, const Ranked& r) {
        const QString host = names.value(r.host, r.host);
        int item = itemOf(key, r, names);
        if (r.features.fromSiem() && r.processName.isEmpty() && plantedAt(host, r.destination) >= 0) {
            item = plantedAt(host, r.destination);
        }
        const bool planted = item >= 0 && key[static_cast<size_t>(item)].positive;
        side.order << QStringLiteral("%1 %2 %3 %4 %5")
                          .arg(planted ? QStringLiteral("P") : QStringLiteral("-"))
                          .arg(r.score)
                          .arg(host, r.processName, r.destination);
        const QString pair = host.toLower() + QLatin1Char('|') + r.destination;
        side.best[pair] = std::max(side.best.value(pair, -1), r.score);
        if (planted) {
            side.lowestPlanted = std::min(side.lowestPlanted, r.score);
            side.found.insert(key[static_cast<size_t>(item)].channel);
            side.item[pair] = key[static_cast<size_t>(item)].channel;
        } else {
            side.highestOther = std::max(side.highestOther, r.score);
        }
    };
    Side siem, raw;
    QSet<QString> pairs; // host name | destination
    for (const Ranked& r : rows) {
        QVERIFY(r.features.fromSiem());
        QCOMPARE(r.features.members.at(0).naming, product);
        tally(siem, r);
        pairs.insert(names.value(r.host, r.host).toLower() + QLatin1Char('|') + r.destination);
    }
    if (rawCase_.isEmpty()) {
        rawCase_ = scoredSampleCase(dir_.filePath(QStringLiteral("raw.socwb")));
    }
    QVERIFY(!rawCase_.isEmpty());
    auto rawStore = CaseStore::open(rawCase_);
    for (const Ranked& r : ranked(rawStore->db())) {
        if (pairs.contains(r.host.toLower() + QLatin1Char('|') + r.destination)) {
            tally(raw, r);
        }
    }
    const QString both = QStringLiteral("SIEM:\n%1\nraw:\n%2")
                             .arg(siem.order.join(QLatin1Char('\n')), raw.order.join(QLatin1Char('\n')));
    const QSet<QString> planted{QStringLiteral("pastebin-powershell"),   QStringLiteral("telegram-curl"),
                                QStringLiteral("jitter-unknown-binary"), QStringLiteral("no-sysmon-wscript"),
                                QStringLiteral("dns-only-linux"),        QStringLiteral("macro-gdocs-certutil")};
    QVERIFY2(siem.found == planted, qPrintable(both));
    QVERIFY2(raw.found == planted, qPrintable(both));
    QVERIFY2(raw.lowestPlanted > raw.highestOther, qPrintable(both));
    // The SIEM's ranking by (host, destination), each at its best row: every planted pair above
    // every benign one.
    double highestBenign = -1;
    for (auto it = siem.best.cbegin(); it != siem.best.cend(); ++it) {
        if (!siem.item.contains(it.key())) {
            highestBenign = std::max(highestBenign, it.value());
        }
    }
    QVERIFY(highestBenign > 0);
    for (auto it = siem.item.cbegin(); it != siem.item.cend(); ++it) {
        QVERIFY2(siem.best.value(it.key()) > highestBenign,
                 qPrintable(QStringLiteral("%1 (%2) at %3, a benign pair at %4\n%5")
                                .arg(it.value(), it.key())
                                .arg(siem.best.value(it.key()))
                                .arg(highestBenign)
                                .arg(both)));
    }
}

void TestSiemResults::rawImportAbsorbsTheRows() {
    // The raw-only channels, for comparison.
    if (rawCase_.isEmpty()) {
        rawCase_ = scoredSampleCase(dir_.filePath(QStringLiteral("raw.socwb")));
    }
    QVERIFY(!rawCase_.isEmpty());
    auto raw = CaseStore::open(rawCase_);
    const int64_t rawChannels = queryInt(raw->db(), "SELECT count(*) FROM alerts").value_or(-1);

    // The SIEM's rows first, then the raw logs of those hosts (the whole sample), scored again.
    auto store = CaseStore::open(dir_.filePath(QStringLiteral("merge.socwb")));
    QCOMPARE(importInto(*store, fixture(QStringLiteral("siem/splunk-results.csv"))).status, QStringLiteral("imported"));
    QCOMPARE(ScoringEngine(*store).run(ScoreMode::Full).status, QStringLiteral("done"));
    const int64_t siemRows = queryInt(store->db(), "SELECT count(*) FROM siem_rows").value_or(-1);
    QCOMPARE(queryInt(store->db(), "SELECT count(*) FROM alerts").value_or(-1), siemRows);
    for (const QString& f : QDir(kSample + QStringLiteral("case")).entryList(QDir::Files, QDir::Name)) {
        QCOMPARE(importInto(*store, kSample + QStringLiteral("case/") + f).status, QStringLiteral("imported"));
    }
    QCOMPARE(ScoringEngine(*store).run(ScoreMode::Full).status, QStringLiteral("done"));
    sqlite3* db = store->db();
    // Every row absorbed: as many channels as the raw logs alone make, none of them the SIEM's.
    QCOMPARE(queryInt(db, "SELECT count(*) FROM alerts").value_or(-1), rawChannels);
    QCOMPARE(queryInt(db, "SELECT count(*) FROM alerts WHERE features LIKE '%\"siem_origin\"%'").value_or(-1),
             int64_t(0));
    // ... and each row's mark kept on the channels that absorbed it.
    const int64_t marked =
        queryInt(db, "SELECT count(*) FROM alerts WHERE features LIKE '%\"also_in_siem\"%'").value_or(-1);
    QVERIFY2(marked >= siemRows, qPrintable(QStringLiteral("%1 marked, %2 rows").arg(marked).arg(siemRows)));
    QCOMPARE(queryInt(db, "SELECT count(*) FROM alerts WHERE factors LIKE '%\"also_in_siem\"%' AND factors LIKE "
                          "'%also in SIEM export: From Splunk export splunk-results.csv, row %'")
                 .value_or(-1),
             marked);
    // None is the SIEM's in the queue's filter; the detail of one that absorbed a row says so, and
    // it has requests of its own.
    Statement siem(
        db, (alertRowSelectSql() + QStringLiteral("WHERE ") + parseAlertFilter(QStringLiteral("source:siem")).where)
                .toStdString());
    QVERIFY(!siem.step());
    Statement absorbed(db, (alertRowSelectSql() + QStringLiteral("WHERE json_extract(a.features, '$.also_in_siem') "
                                                                 "IS NOT NULL ORDER BY a.id LIMIT 1"))
                               .toStdString());
    QVERIFY(absorbed.step());
    const AlertRow row = alertRowFromStatement(absorbed);
    QCOMPARE(siemRequestsNote(row), QString());
    QVERIFY2(alsoInSiemLine(row).startsWith(
                 QStringLiteral("Also in the SIEM export: From Splunk export splunk-results.csv, row ")),
             qPrintable(alsoInSiemLine(row)));
    QVERIFY2(alsoInSiemLine(row).contains(QStringLiteral(" requests, median ")), qPrintable(alsoInSiemLine(row)));
    // The channels' scores are the raw scoring's: the mark is a zero-point factor.
    QCOMPARE(queryText(db, "SELECT group_concat(channel_key || '=' || score, ';') FROM (SELECT channel_key, score "
                           "FROM alerts ORDER BY channel_key)"),
             queryText(raw->db(), "SELECT group_concat(channel_key || '=' || score, ';') FROM (SELECT channel_key, "
                                  "score FROM alerts ORDER BY channel_key)"));
}

QTEST_MAIN(TestSiemResults)
#include "tst_siem_results.moc"
