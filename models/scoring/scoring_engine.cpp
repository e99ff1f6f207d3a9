#include "scoring_engine.h"

#include "channel_builder.h"
#include "channel_members.h"
#include "channel_scorer.h"
#include "core/logging.h"
#include "scoring_config.h"
#include "store/case_store.h"
#include "store/statement.h"
#include "suppression_store.h"
#include "web_service_catalog.h"

#include <QElapsedTimer>
#include <QJsonDocument>

namespace socwb {

using namespace socwb::scoring;

namespace {

void bindBlob(Statement& st, int idx, const std::vector<int64_t>& ids) {
    const QByteArray b = encodeMemberIds(ids);
    if (ids.empty()) {
        st.bindNull(idx);
    } else {
        st.bindBlob(idx, std::string_view(b.constData(), static_cast<size_t>(b.size())));
    }
}

QByteArray compact(const QJsonObject& o) {
    return QJsonDocument(o).toJson(QJsonDocument::Compact);
}
QByteArray compact(const QJsonArray& a) {
    return QJsonDocument(a).toJson(QJsonDocument::Compact);
}

void tally(ScoreOutcome& o, const ScoredChannel& s) {
    if (s.suppressedBy) {
        ++o.suppressed;
    } else if (s.severity == QLatin1String("medium") || s.severity == QLatin1String("high") ||
               s.severity == QLatin1String("critical")) {
        ++o.flagged;
    }
}

} // namespace

ScoreOutcome ScoringEngine::run(ScoreMode mode, const std::atomic<bool>* cancel,
                                const std::function<void(const ScoreProgress&)>& progress, const QDateTime& now) {
    ScoreOutcome outcome;
    QElapsedTimer clock;
    clock.start();
    sqlite3* db = store_.db();
    const QString started = CaseStore::nowIso();
    const QString stamp = now.toString(Qt::ISODateWithMs);
    auto report = [&](const QString& phase, int64_t done, int64_t total) {
        if (progress) {
            progress({phase, done, total});
        }
        return !(cancel && cancel->load());
    };
    try {
        const ScoringConfig config = ScoringConfig::forCase(db);
        const WebServiceCatalog catalog = WebServiceCatalog::load();
        const QVector<SuppressionRule> rules = listSuppressions(db);
        if (mode == ScoreMode::Rescore && !queryInt(db, "SELECT 1 FROM alerts LIMIT 1")) {
            mode = ScoreMode::Full; // nothing measured yet: a re-score is a first score
        }
        ChannelScorer scorer(config, rules, now);
        if (mode == ScoreMode::Full) {
            ChannelBuilder builder(db, catalog, config);
            std::vector<BuiltChannel> built = builder.build(report);
            outcome.events = builder.eventsRead();
            std::vector<ChannelFeatures> features;
            features.reserve(built.size());
            for (const BuiltChannel& b : built) {
                features.push_back(b.features);
            }
            if (!report(QStringLiteral("scoring"), 0, static_cast<int64_t>(features.size()))) {
                throw ScoringCancelled();
            }
            const std::vector<ScoredChannel> scored = scorer.score(features);
            Transaction tx(db);
            Statement up(db, R"SQL(
INSERT INTO alerts(channel_key, host_id, host, host_ips, host_role, process_image, process_name, process_id,
    destination, domain_id, registered_domain, service, service_category, endpoint, path_prefix, requests,
    proxy_requests, dns_queries, net_connections, first_ts, last_ts, median_interval_s, jitter, bytes_out, bytes_in,
    features, score, severity, factors, suppressed_by, scored_at, proxy_ids, dns_ids, dnsq_ids, net_ids)
VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19, ?20, ?21, ?22, ?23,
    ?24, ?25, ?26, ?27, ?28, ?29, ?30, ?31, ?32, ?33, ?34, ?35)
ON CONFLICT(channel_key) DO UPDATE SET host_id = excluded.host_id, host = excluded.host, host_ips = excluded.host_ips,
    host_role = excluded.host_role, process_image = excluded.process_image, process_name = excluded.process_name,
    process_id = excluded.process_id, destination = excluded.destination, domain_id = excluded.domain_id,
    registered_domain = excluded.registered_domain, service = excluded.service,
    service_category = excluded.service_category, endpoint = excluded.endpoint, path_prefix = excluded.path_prefix,
    requests = excluded.requests, proxy_requests = excluded.proxy_requests, dns_queries = excluded.dns_queries,
    net_connections = excluded.net_connections, first_ts = excluded.first_ts, last_ts = excluded.last_ts,
    median_interval_s = excluded.median_interval_s, jitter = excluded.jitter, bytes_out = excluded.bytes_out,
    bytes_in = excluded.bytes_in, features = excluded.features, score = excluded.score, severity = excluded.severity,
    factors = excluded.factors, suppressed_by = excluded.suppressed_by, scored_at = excluded.scored_at,
    proxy_ids = excluded.proxy_ids, dns_ids = excluded.dns_ids, dnsq_ids = excluded.dnsq_ids, net_ids = excluded.net_ids
)SQL");
            for (size_t i = 0; i < built.size(); ++i) {
                if ((i & 0x3FF) == 0 && !report(QStringLiteral("writing alerts"), static_cast<int64_t>(i),
                                                static_cast<int64_t>(built.size()))) {
                    throw ScoringCancelled();
                }
                const ChannelFeatures& f = built[i].features;
                const ScoredChannel& s = scored[i];
                tally(outcome, s);
                up.reset();
                up.bind(1, f.key.toStdString())
                    .bind(2, f.hostId)
                    .bind(3, f.host.toStdString())
                    .bindTextOrNull(4, f.hostIps.toStdString())
                    .bindTextOrNull(5, f.hostRole.toStdString())
                    .bindTextOrNull(6, f.processImage.toStdString())
                    .bindTextOrNull(7, f.processName.toStdString())
                    .bindIntOrNull(8, f.processId, 0)
                    .bind(9, f.destination.toStdString())
                    .bindIntOrNull(10, f.domainId, 0)
                    .bindTextOrNull(11, f.registeredDomain.toStdString())
                    .bindTextOrNull(12, f.service.toStdString())
                    .bindTextOrNull(13, f.serviceCategory.toStdString())
                    .bindTextOrNull(14, f.endpoint.toStdString())
                    .bindTextOrNull(15, f.pathPrefix.toStdString())
                    .bind(16, f.polls)
                    .bind(17, f.proxyRequests)
                    .bind(18, f.dnsQueries)
                    .bind(19, f.netConnections)
                    .bind(20, f.firstTs)
                    .bind(21, f.lastTs);
                if (f.intervals > 0) {
                    up.bind(22, f.medianInterval).bind(23, f.jitter);
                } else {
                    up.bindNull(22).bindNull(23);
                }
                if (f.proxyRequests > 0) {
                    up.bind(24, f.bytesOut).bind(25, f.bytesIn);
                } else {
                    up.bindNull(24).bindNull(25);
                }
                up.bind(26, compact(f.toJson()).toStdString())
                    .bind(27, s.score)
                    .bind(28, s.severity.toStdString())
                    .bind(29, compact(s.factorsJson()).toStdString())
                    .bindIntOrNull(30, s.suppressedBy, 0)
                    .bind(31, stamp.toStdString());
                bindBlob(up, 32, built[i].proxyIds);
                bindBlob(up, 33, built[i].dnsIds);
                bindBlob(up, 34, built[i].dnsQueryIds);
                bindBlob(up, 35, built[i].netIds);
                up.exec();
            }
            Statement stale(db, "DELETE FROM alerts WHERE scored_at IS NOT ?");
            stale.bind(1, stamp.toStdString()).exec();
            outcome.channels = static_cast<qint64>(built.size());
            if (cancel && cancel->load()) {
                throw ScoringCancelled();
            }
            Statement run(db,
                          "INSERT INTO score_runs(started, finished, engine_version, config_sha256, events, channels, "
                          "seconds, status) VALUES (?, ?, ?, ?, ?, ?, ?, 'done')");
            run.bind(1, started.toStdString())
                .bind(2, CaseStore::nowIso().toStdString())
                .bind(3, kEngineVersion)
                .bind(4, config.sha256.toStdString())
                .bind(5, static_cast<int64_t>(outcome.events))
                .bind(6, static_cast<int64_t>(outcome.channels))
                .bind(7, static_cast<double>(clock.elapsed()) / 1000.0)
                .exec();
            tx.commit();
        } else {
            std::vector<ChannelFeatures> features;
            std::vector<int64_t> ids;
            {
                Statement st(db, "SELECT id, features FROM alerts ORDER BY id");
                while (st.step()) {
                    ids.push_back(st.int64(0));
                    features.push_back(ChannelFeatures::fromJson(
                        QJsonDocument::fromJson(QByteArray::fromStdString(st.text(1))).object()));
                }
            }
            if (!report(QStringLiteral("re-scoring"), 0, static_cast<int64_t>(features.size()))) {
                throw ScoringCancelled();
            }
            const std::vector<ScoredChannel> scored = scorer.score(features);
            Transaction tx(db);
            Statement up(db, "UPDATE alerts SET score = ?, severity = ?, factors = ?, suppressed_by = ?, scored_at = ? "
                             "WHERE id = ?");
            for (size_t i = 0; i < ids.size(); ++i) {
                const ScoredChannel& s = scored[i];
                tally(outcome, s);
                up.reset();
                up.bind(1, s.score)
                    .bind(2, s.severity.toStdString())
                    .bind(3, compact(s.factorsJson()).toStdString())
                    .bindIntOrNull(4, s.suppressedBy, 0)
                    .bind(5, stamp.toStdString())
                    .bind(6, ids[i])
                    .exec();
            }
            outcome.channels = static_cast<qint64>(ids.size());
            if (cancel && cancel->load()) {
                throw ScoringCancelled();
            }
            Statement run(db,
                          "INSERT INTO score_runs(started, finished, engine_version, config_sha256, events, channels, "
                          "seconds, status) VALUES (?, ?, ?, ?, 0, ?, ?, 'done')");
            run.bind(1, started.toStdString())
                .bind(2, CaseStore::nowIso().toStdString())
                .bind(3, kEngineVersion)
                .bind(4, config.sha256.toStdString())
                .bind(5, static_cast<int64_t>(outcome.channels))
                .bind(6, static_cast<double>(clock.elapsed()) / 1000.0)
                .exec();
            tx.commit();
        }
        outcome.status = QStringLiteral("done");
        outcome.seconds = static_cast<double>(clock.elapsed()) / 1000.0;
        outcome.message =
            QStringLiteral("%1 channels scored from %2 events in %3 s: %4 flagged (medium or above), %5 suppressed")
                .arg(outcome.channels)
                .arg(outcome.events)
                .arg(outcome.seconds, 0, 'f', 2)
                .arg(outcome.flagged)
                .arg(outcome.suppressed);
        log::score()->info("{}", outcome.message.toStdString());
    } catch (const ScoringCancelled&) {
        outcome = ScoreOutcome{};
        outcome.status = QStringLiteral("cancelled");
        outcome.message = QStringLiteral("scoring cancelled; the previous scores are kept");
        outcome.seconds = static_cast<double>(clock.elapsed()) / 1000.0;
        log::score()->info("{}", outcome.message.toStdString());
    } catch (const std::exception& e) {
        outcome = ScoreOutcome{};
        outcome.status = QStringLiteral("failed");
        outcome.message =
            QStringLiteral("scoring failed: %1; the previous scores are kept").arg(QString::fromUtf8(e.what()));
        outcome.seconds = static_cast<double>(clock.elapsed()) / 1000.0;
        log::score()->error("{}", outcome.message.toStdString());
    }
    return outcome;
}

} // namespace socwb
