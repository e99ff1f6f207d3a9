#include "scoring_engine.h"

#include "both_cores.h"
#include "channel_builder.h"
#include "channel_members.h"
#include "channel_scorer.h"
#include "core/logging.h"
#include "phase_clock.h"
#include "read_snapshot.h"
#include "scoring_config.h"
#include "siem_channels.h"
#include "store/case_store.h"
#include "store/statement.h"
#include "suppression_store.h"
#include "web_service_catalog.h"

#include <QElapsedTimer>
#include <QJsonArray>
#include <QJsonDocument>

#include <sys/resource.h>
#include <unistd.h>
#include <xxhash.h>

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <deque>
#include <exception>
#include <memory>
#include <mutex>
#include <numeric>
#include <optional>
#include <stdexcept>
#include <thread>
#include <unordered_map>
#include <unordered_set>

namespace socwb {

using namespace socwb::scoring;

namespace {

void bindBlob(Statement& st, int idx, const QByteArray& b) {
    if (b.isEmpty()) {
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

// What decides the scores besides the features: the rules (all of their fields) and the config.
QString decisionKey(const QVector<SuppressionRule>& rules, const ScoringConfig& config) {
    QString key = QString::fromLatin1(config.sha256);
    for (const SuppressionRule& r : rules) {
        key += QStringLiteral("\n%1|%2|%3|%4").arg(r.id).arg(r.criteria(), r.expiresAt).arg(r.enabled);
    }
    return key;
}

// The latest pass that committed, so a re-score sees when another one wrote new features meanwhile.
int64_t lastRun(sqlite3* db) {
    return queryInt(db, "SELECT coalesce(max(id), 0) FROM score_runs").value_or(0);
}

// What a re-score may leave as it is: a row whose score, severity, factors and suppression the
// new pass computes exactly as stored is not written (issue 20: a suppression change rewrote every
// row of the case). Where the pass stored a digest of that result (alert_features.result, schema
// 12) the digests are compared; elsewhere (a case scored before, a row changed since) the result
// is read from the alert row and compared as it is stored.
struct StoredResult {
    int64_t id = 0;
    bool compact = false;   // its features came from alert_features, not from the JSON
    bool hasDigest = false; // ... and the digest of its result with them
    uint64_t digest = 0;
    double score = 0; // the alert row's result, read where no digest is stored
    std::string severity;
    std::string factors;
    int64_t suppressedBy = 0;
};

// The features of every alert in one statement, in the compact form where a pass stored it
// (alert_features, schema 10) and from the JSON where none is stored (a case scored before).
// Where every alert has its compact row (the usual case) only alert_features' narrow rows are
// read, never a page of the alerts' own rows; elsewhere the alerts' ids drive the read. An alert
// row itself is read only where no compact form or no digest is stored. Rows are read in batches
// and each batch is decoded on both cores. The first bad row in id order is the one reported, as
// when they were decoded one by one.
void readStoredFeatures(sqlite3* db, std::vector<ChannelFeatures>& features, std::vector<StoredResult>& stored) {
    // The alerts' ids from an index (a few pages), sorted: the narrow read must meet exactly these.
    std::vector<int64_t> ids;
    {
        Statement st(db, ScoringEngine::kRescoreIdsSql);
        while (st.step()) {
            ids.push_back(st.int64(0));
        }
        std::sort(ids.begin(), ids.end());
    }
    for (const bool narrow : {true, false}) {
        features.clear();
        stored.clear();
        features.reserve(ids.size());
        stored.reserve(ids.size());
        bool same = true; // the narrow read met the alerts' ids, in order
        constexpr size_t kBatch = 2048;
        std::vector<std::string> texts;
        texts.reserve(kBatch);
        auto decode = [&] {
            const size_t base = features.size();
            features.resize(base + texts.size());
            onBothCores(texts.size(), 256, [&](size_t from, size_t to) {
                for (size_t i = from; i < to; ++i) {
                    const StoredResult& row = stored[base + i];
                    features[base + i] = row.compact ? ChannelFeatures::fromBinary(row.id, texts[i])
                                                     : ChannelFeatures::fromStored(row.id, texts[i]);
                }
            });
            texts.clear();
        };
        Statement st(db, narrow ? ScoringEngine::kRescoreNarrowSql
                                : "SELECT a.id, f.features, f.result FROM alerts a LEFT JOIN alert_features f ON "
                                  "f.alert_id = a.id ORDER BY a.id");
        Statement row(db,
                      "SELECT features, score, severity, factors, coalesce(suppressed_by, 0) FROM alerts WHERE id = ?");
        sqlite3_stmt* h = st.handle();
        while (st.step()) {
            StoredResult r;
            r.id = st.int64(0);
            if (narrow && (stored.size() >= ids.size() || ids[stored.size()] != r.id)) {
                same = false; // an alert without its compact row, or one without its alert
                break;
            }
            r.compact = sqlite3_column_type(h, 1) != SQLITE_NULL;
            r.hasDigest = r.compact && sqlite3_column_type(h, 2) == SQLITE_INTEGER;
            r.digest = static_cast<uint64_t>(sqlite3_column_int64(h, 2));
            if (r.compact) {
                const auto* bytes = static_cast<const char*>(sqlite3_column_blob(h, 1));
                texts.emplace_back(bytes ? bytes : "", static_cast<size_t>(sqlite3_column_bytes(h, 1)));
            }
            if (!r.hasDigest) {
                row.reset();
                row.bind(1, r.id);
                if (!row.step()) {
                    throw std::runtime_error("alert " + std::to_string(r.id) + " was not found");
                }
                if (!r.compact) {
                    texts.push_back(row.text(0));
                }
                r.score = row.real(1);
                r.severity = row.text(2);
                r.factors = row.text(3);
                r.suppressedBy = row.int64(4);
            }
            stored.push_back(std::move(r));
            if (texts.size() == kBatch) {
                decode();
            }
        }
        if (!narrow || (same && stored.size() == ids.size())) {
            decode();
            return;
        }
    }
}

// Stores a channel's features in the compact form a re-score reads, with its result's digest.
void storeCompact(Statement& st, int64_t alertId, const ChannelFeatures& f, uint64_t result) {
    const QByteArray b = f.toBinary();
    st.reset();
    st.bind(1, alertId)
        .bindBlob(2, std::string_view(b.constData(), static_cast<size_t>(b.size())))
        .bind(3, static_cast<int64_t>(result))
        .exec();
}
constexpr const char* kStoreCompactSql =
    "INSERT INTO alert_features(alert_id, features, result) VALUES (?1, ?2, ?3) "
    "ON CONFLICT(alert_id) DO UPDATE SET features = excluded.features, result = excluded.result";

// What a full score finds stored for a channel: its alert's id and, where alert_features holds
// them, the digests of its content and result.
struct StoredRow {
    int64_t id = 0;
    bool digests = false; // both digests are stored (none is after an edit, or before schema 14)
    uint64_t content = 0, result = 0;
};
using StoredRows = std::unordered_map<std::string, StoredRow>;

// The digest of everything an alert row stores but its result and scored_at (alert_features.content,
// schema 14): the compact features, which hold every field of the features JSON and every column
// taken from them (ChannelFeatures::toBinary and toJson visit the same fields), and the member
// lists, each with its length so no two rows run together into the same bytes.
// Streamed through xxHash's own state (the same value as one call over the bytes joined), so
// nothing is copied into a buffer first; one state a thread (its size is the library's business).
uint64_t contentDigest(const std::string& binary, const BuiltChannel& b) {
    thread_local const std::unique_ptr<XXH3_state_t, XXH_errorcode (*)(XXH3_state_t*)> state(XXH3_createState(),
                                                                                             XXH3_freeState);
    XXH3_64bits_reset(state.get());
    XXH3_64bits_update(state.get(), binary.data(), binary.size());
    for (const QByteArray* blob : {&b.proxyBlob, &b.dnsBlob, &b.dnsQueryBlob, &b.netBlob, &b.sensorBlob}) {
        const auto n = static_cast<int64_t>(blob->size());
        XXH3_64bits_update(state.get(), &n, sizeof n);
        XXH3_64bits_update(state.get(), blob->constData(), static_cast<size_t>(blob->size()));
    }
    return XXH3_64bits_digest(state.get());
}

// The features' JSON of the channels a build has finished, made on a thread of its own while the
// build goes on (issue 20): a build leaves one core idle for about 1.8 s of its 3.5 s at 44k
// channels (reading the context, reading back a run of hosts, making its channels), and a first
// score's writer waited on this text. The thread runs at the lowest priority, so it takes what
// the build leaves and slows no phase of it; what it has not made when the write begins, the
// writer makes as before. The text depends on the features alone, never on the score.
class FeatureTexts {
  public:
    FeatureTexts() : thread_([this] { work(); }) {}
    ~FeatureTexts() { stop(); }
    FeatureTexts(const FeatureTexts&) = delete;
    FeatureTexts& operator=(const FeatureTexts&) = delete;
    // Channels out[from, to) are final: copies of their features (the strings are shared, not
    // copied) go to the thread.
    void add(const std::vector<BuiltChannel>& out, size_t from, size_t to) {
        Batch batch{from, {}};
        batch.features.reserve(to - from);
        for (size_t i = from; i < to; ++i) {
            batch.features.push_back(out[i].features);
        }
        {
            std::lock_guard<std::mutex> lock(m_);
            queue_.push_back(std::move(batch));
        }
        cv_.notify_one();
    }
    // Stops the thread; the texts it made, by channel index (an empty one was not made).
    std::vector<std::string> take() {
        stop();
        return std::move(texts_);
    }

  private:
    struct Batch {
        size_t from;
        std::vector<ChannelFeatures> features;
    };
    void stop() {
        {
            std::lock_guard<std::mutex> lock(m_);
            stop_ = true;
        }
        cv_.notify_one();
        if (thread_.joinable()) {
            thread_.join();
        }
    }
    void work() {
        setpriority(PRIO_PROCESS, static_cast<id_t>(gettid()), 19); // this thread alone; best effort
        for (;;) {
            Batch batch;
            {
                std::unique_lock<std::mutex> lock(m_);
                cv_.wait(lock, [&] { return stop_ || !queue_.empty(); });
                if (stop_) {
                    return;
                }
                batch = std::move(queue_.front());
                queue_.pop_front();
            }
            try {
                for (size_t i = 0; i < batch.features.size(); ++i) {
                    if (stop_.load(std::memory_order_relaxed)) {
                        return;
                    }
                    const size_t at = batch.from + i;
                    if (texts_.size() <= at) {
                        texts_.resize(std::max(at + 1, texts_.size() * 2));
                    }
                    texts_[at] = QJsonDocument(batch.features[i].toJson()).toJson(QJsonDocument::Compact).toStdString();
                }
            } catch (...) {
                return; // the writer makes what is missing, and meets the failure itself
            }
        }
    }
    std::mutex m_;
    std::condition_variable cv_;
    std::deque<Batch> queue_;
    std::atomic<bool> stop_{false};
    std::vector<std::string> texts_; // the thread's alone until take() joined it
    std::thread thread_;             // last: started once everything above exists
};

// One alert row, made off the writing thread (both cores) from its features and score: first the
// digests of its content and result; where both equal the stored ones the row is left as it is
// (issue 20: a score of an unchanged case rewrote every alert row, 180 MB at 44k channels, and
// built every row's JSON to do it), else its text (the features' JSON, the factors, every name
// as UTF-8) is made for the write.
struct PreparedRow {
    PreparedRow() = default;
    PreparedRow(const ChannelFeatures& f, const ScoredChannel& s, const BuiltChannel& b, const StoredRows& was,
                std::string* madeText)
        : key(f.key.toStdString()), digest(s.digest()) {
        const QByteArray c = f.toBinary();
        binary.assign(c.constData(), static_cast<size_t>(c.size()));
        content = contentDigest(binary, b);
        if (const auto it = was.find(key); it != was.end()) {
            storedId = it->second.id;
            unchanged = it->second.digests && it->second.content == content && it->second.result == digest;
        }
        if (madeText && !madeText->empty()) {
            features = std::move(*madeText); // FeatureTexts made it during the build
        }
        if (!unchanged) {
            makeText(f, s);
        }
    }
    void makeText(const ChannelFeatures& f, const ScoredChannel& s) {
        host = f.host.toStdString();
        hostIps = f.hostIps.toStdString();
        hostRole = f.hostRole.toStdString();
        processImage = f.processImage.toStdString();
        processName = f.processName.toStdString();
        destination = f.destination.toStdString();
        registeredDomain = f.registeredDomain.toStdString();
        service = f.service.toStdString();
        serviceCategory = f.serviceCategory.toStdString();
        endpoint = f.endpoint.toStdString();
        pathPrefix = f.pathPrefix.toStdString();
        if (features.empty()) {
            features = compact(f.toJson()).toStdString();
        }
        severity = s.severity.toStdString();
        factors = compact(s.factorsJson()).toStdString();
    }
    std::string key, host, hostIps, hostRole, processImage, processName, destination, registeredDomain, service,
        serviceCategory, endpoint, pathPrefix, features, severity, factors, binary;
    uint64_t digest = 0;  // of the stored result (alert_features.result)
    uint64_t content = 0; // of the rest of the row (alert_features.content)
    int64_t storedId = 0; // the channel's alert, where it has one
    bool unchanged = false;
};

// The stored rows by channel key, from two narrow reads: the channel keys' index (not one page
// of the alert rows) and alert_features. Empty on a first score.
StoredRows storedRows(sqlite3* db) {
    std::vector<std::pair<int64_t, std::pair<uint64_t, uint64_t>>> digests;
    {
        Statement st(db, ScoringEngine::kStoredDigestsSql);
        while (st.step()) {
            digests.push_back({st.int64(0), {static_cast<uint64_t>(st.int64(1)), static_cast<uint64_t>(st.int64(2))}});
        }
        std::sort(digests.begin(), digests.end());
    }
    StoredRows rows;
    Statement st(db, ScoringEngine::kStoredKeysSql);
    while (st.step()) {
        StoredRow r;
        r.id = st.int64(1);
        const auto it = std::lower_bound(digests.begin(), digests.end(), r.id,
                                         [](const auto& d, int64_t id) { return d.first < id; });
        if (it != digests.end() && it->first == r.id) {
            r.digests = true;
            r.content = it->second.first;
            r.result = it->second.second;
        }
        rows.emplace(st.text(0), r);
    }
    return rows;
}

} // namespace

void ScoringEngine::useTempFiles(sqlite3* db) {
    execSql(db, "PRAGMA temp_store = FILE");
}

int64_t ScoringEngine::checkpoint(sqlite3* db) {
    QElapsedTimer clock;
    clock.start();
    int framesInWal = 0, framesCopied = 0;
    const int rc = sqlite3_wal_checkpoint_v2(db, nullptr, SQLITE_CHECKPOINT_PASSIVE, &framesInWal, &framesCopied);
    const int64_t ms = clock.elapsed();
    if (rc == SQLITE_OK) {
        log::score()->info("pass: checkpoint {} ms ({} of {} WAL frames copied into the case)", ms, framesCopied,
                           framesInWal);
    } else {
        log::score()->warn("checkpoint after the pass: {} (the next commit or close checkpoints instead)",
                           sqlite3_errmsg(db));
    }
    return ms;
}

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
    auto stopped = [&](const QString& status, const QString& message) {
        outcome = ScoreOutcome{};
        outcome.status = status;
        outcome.message = message;
        outcome.seconds = static_cast<double>(clock.elapsed()) / 1000.0;
    };
    QString applied; // what changed under the pass and was applied before it committed
    PhaseClock phases;
    try {
        if (cancel && cancel->load()) {
            throw ScoringCancelled(); // Ctrl-C before anything was read
        }
        std::vector<BuiltChannel> built;
        std::vector<ChannelFeatures> features;
        std::vector<StoredResult> stored; // rescore: the alert rows the features came from
        std::optional<ScoringConfig> config;
        QVector<SuppressionRule> rules;
        int64_t runSeen = 0;
        FeatureTexts featureTexts; // a full score's features' JSON, made while the build goes on
        bool dropFeatureTexts = false;
        {
            // Every row of the pass comes from one snapshot, so an import committing in between
            // cannot hand the builder domains from before and events from after it; a full pass
            // reads its events on two connections that share it (read_snapshot.h says how).
            ReadSnapshot snapshot(db, mode == ScoreMode::Full);
            config.emplace(ScoringConfig::forCase(db));
            rules = listSuppressions(db);
            runSeen = lastRun(db);
            if (mode == ScoreMode::Rescore && !queryInt(db, "SELECT 1 FROM alerts LIMIT 1")) {
                mode = ScoreMode::Full; // nothing measured yet: a re-score is a first score
            }
            if (mode == ScoreMode::Full) {
                const WebServiceCatalog catalog = WebServiceCatalog::load();
                ChannelBuilder builder(db, catalog, *config);
                builder.setSecondReader(snapshot.second());
                // Only for a first score: where alerts are stored, most rows come out unchanged and
                // are not written (nor their text made), and text made early would be wasted work.
                // SOCWB_SCORE_EARLY_TEXT=0 leaves it all to the writer, to compare.
                if (qgetenv("SOCWB_SCORE_EARLY_TEXT") != "0" && !queryInt(db, "SELECT 1 FROM alerts LIMIT 1")) {
                    builder.setChannelsDone([&](const std::vector<BuiltChannel>& out, size_t from, size_t to) {
                        featureTexts.add(out, from, to);
                    });
                }
                built = builder.build(report);
                outcome.events = builder.eventsRead();
                if (mergeSiemRows(db, catalog, *config, built)) { // false: the case has no SIEM rows
                    dropFeatureTexts = true;                      // it may have changed or added channels: made afresh
                }
                features.reserve(built.size());
                for (BuiltChannel& b : built) {
                    features.push_back(std::move(b.features)); // held once: the rows are written from these
                }
            } else {
                readStoredFeatures(db, features, stored);
            }
        }
        if (!report(mode == ScoreMode::Full ? QStringLiteral("scoring") : QStringLiteral("re-scoring"), 0,
                    static_cast<int64_t>(features.size()))) {
            throw ScoringCancelled();
        }
        phases.lap(mode == ScoreMode::Full ? "read and build" : "read features");
        auto scorer = std::make_unique<ChannelScorer>(*config, rules, now);
        std::vector<ScoredChannel> scored = scorer->score(features);
        phases.lap("score");

        Transaction tx(db);
        // No lost update: a rule added or a weight changed by another program since the read is
        // applied now, under the write lock, so what this pass commits reflects it.
        {
            QVector<SuppressionRule> nowRules = listSuppressions(db);
            ScoringConfig nowConfig = ScoringConfig::forCase(db);
            const bool rescoreStale = mode == ScoreMode::Rescore && lastRun(db) != runSeen;
            if (rescoreStale) {
                readStoredFeatures(db, features, stored); // another pass wrote new features meanwhile
            }
            if (rescoreStale || decisionKey(nowRules, nowConfig) != decisionKey(rules, *config)) {
                applied = rescoreStale ? QStringLiteral("; the features another pass stored meanwhile were re-scored")
                                       : QStringLiteral("; suppression rules or weights changed during the pass "
                                                        "were applied");
                rules = std::move(nowRules);
                config.emplace(std::move(nowConfig));
                scorer = std::make_unique<ChannelScorer>(*config, rules, now);
                scored = scorer->score(features);
            }
        }
        if (mode == ScoreMode::Full) {
            Statement up(db, R"SQL(
INSERT INTO alerts(channel_key, host_id, host, host_ips, host_role, process_image, process_name, process_id,
    destination, domain_id, registered_domain, service, service_category, endpoint, path_prefix, requests,
    proxy_requests, dns_queries, net_connections, first_ts, last_ts, median_interval_s, jitter, bytes_out, bytes_in,
    features, score, severity, factors, suppressed_by, scored_at, proxy_ids, dns_ids, dnsq_ids, net_ids, sensor_ids)
VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19, ?20, ?21, ?22, ?23,
    ?24, ?25, ?26, ?27, ?28, ?29, ?30, ?31, ?32, ?33, ?34, ?35, ?36)
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
    proxy_ids = excluded.proxy_ids, dns_ids = excluded.dns_ids, dnsq_ids = excluded.dnsq_ids, net_ids = excluded.net_ids,
    sensor_ids = excluded.sensor_ids
RETURNING id
)SQL");
            Statement compactUp(db, "INSERT INTO alert_features(alert_id, features, result, content) VALUES (?1, ?2, "
                                    "?3, ?4) ON CONFLICT(alert_id) DO UPDATE SET features = excluded.features, "
                                    "result = excluded.result, content = excluded.content");
            const StoredRows was = storedRows(db);
            std::vector<std::string> madeTexts = featureTexts.take();
            if (dropFeatureTexts) {
                madeTexts.clear();
            }
            log::score()->info(
                "features' JSON made during the build: {} of {} channels",
                std::count_if(madeTexts.begin(), madeTexts.end(), [](const std::string& t) { return !t.empty(); }),
                built.size());
            std::vector<int64_t> kept; // the alerts this pass wrote or found unchanged
            kept.reserve(built.size());
            std::unordered_set<int64_t> written; // ... and those it wrote
            // New alerts are written in channel-key order (host|process|destination|endpoint), so
            // their ids, and the queue's order among equal scores, are the same whichever order the
            // case's files were imported in (host and domain ids follow import order, and the
            // builder's output follows them). Stable: two channels of one key keep their order.
            std::vector<size_t> order(built.size());
            std::iota(order.begin(), order.end(), size_t{0});
            std::stable_sort(order.begin(), order.end(),
                             [&](size_t a, size_t b) { return features[a].key < features[b].key; });
            // The rows' text (the features' JSON and compact form, the factors, every name as
            // UTF-8) and their digests are made on both cores, batches ahead of the SQLite writes.
            constexpr size_t kRowsPerBatch = 256, kBatchesAhead = 6;
            std::vector<std::vector<PreparedRow>> prepared(kBatchesAhead);
            const size_t batches = (built.size() + kRowsPerBatch - 1) / kRowsPerBatch;
            const std::string at = stamp.toStdString();
            preparedInOrder(
                batches, kBatchesAhead,
                [&](size_t b) {
                    std::vector<PreparedRow>& rows = prepared[b % kBatchesAhead];
                    const size_t from = b * kRowsPerBatch, to = std::min(built.size(), from + kRowsPerBatch);
                    rows.resize(to - from);
                    for (size_t i = from; i < to; ++i) {
                        const size_t k = order[i];
                        rows[i - from] = PreparedRow(features[k], scored[k], built[k], was,
                                                     k < madeTexts.size() ? &madeTexts[k] : nullptr);
                    }
                },
                [&](size_t b) {
                    std::vector<PreparedRow>& rows = prepared[b % kBatchesAhead];
                    const size_t from = b * kRowsPerBatch;
                    if (!report(QStringLiteral("writing alerts"), static_cast<int64_t>(from),
                                static_cast<int64_t>(built.size()))) {
                        throw ScoringCancelled();
                    }
                    for (size_t i = from; i < from + rows.size(); ++i) {
                        const size_t k = order[i];
                        const ChannelFeatures& f = features[k];
                        const ScoredChannel& s = scored[k];
                        const BuiltChannel& b = built[k];
                        PreparedRow& r = rows[i - from];
                        tally(outcome, s);
                        if (r.unchanged) {
                            if (!written.count(r.storedId)) {
                                kept.push_back(r.storedId); // as stored, scored_at included
                                continue;
                            }
                            r.makeText(f, s); // a second channel of a key this pass wrote: written too
                        }
                        up.reset();
                        up.bindStatic(1, r.key).bindIntOrNull(2, std::max<int64_t>(f.hostId, 0), 0); // SIEM: < 0
                        up.bindStatic(3, r.host)
                            .bindStaticOrNull(4, r.hostIps)
                            .bindStaticOrNull(5, r.hostRole)
                            .bindStaticOrNull(6, r.processImage)
                            .bindStaticOrNull(7, r.processName)
                            .bindIntOrNull(8, f.processId, 0)
                            .bindStatic(9, r.destination)
                            .bindIntOrNull(10, f.domainId, 0)
                            .bindStaticOrNull(11, r.registeredDomain)
                            .bindStaticOrNull(12, r.service)
                            .bindStaticOrNull(13, r.serviceCategory)
                            .bindStaticOrNull(14, r.endpoint)
                            .bindStaticOrNull(15, r.pathPrefix)
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
                        // Bytes are known from proxy lines and from a network sensor's connections;
                        // Sysmon and DNS evidence carry none, and NULL says so.
                        if (f.proxyRequests > 0 || !b.sensorBlob.isEmpty() || f.fromSiem()) {
                            up.bindIntOrNull(24, f.bytesOut).bindIntOrNull(25, f.bytesIn); // -1: not logged
                        } else {
                            up.bindNull(24).bindNull(25);
                        }
                        up.bindStatic(26, r.features)
                            .bind(27, s.score)
                            .bindStatic(28, r.severity)
                            .bindStatic(29, r.factors)
                            .bindIntOrNull(30, s.suppressedBy, 0)
                            .bindStatic(31, at);
                        bindBlob(up, 32, b.proxyBlob);
                        bindBlob(up, 33, b.dnsBlob);
                        bindBlob(up, 34, b.dnsQueryBlob);
                        bindBlob(up, 35, b.netBlob);
                        bindBlob(up, 36, b.sensorBlob);
                        if (!up.step()) {
                            throw std::runtime_error("the alert row was not written");
                        }
                        const int64_t alertId = up.int64(0);
                        up.exec();
                        kept.push_back(alertId);
                        written.insert(alertId);
                        // After the alert row: its triggers clear the digests an edit leaves stale.
                        compactUp.reset();
                        compactUp.bind(1, alertId)
                            .bindBlob(2, r.binary)
                            .bind(3, static_cast<int64_t>(r.digest))
                            .bind(4, static_cast<int64_t>(r.content))
                            .exec();
                    }
                    up.reset(); // no binding outlives the slot's strings
                });
            // The alerts of channels the pass no longer finds, by id from an index: a filter on a
            // column of the rows (scored_at) read every alert row, 180 MB at 44k channels.
            std::sort(kept.begin(), kept.end());
            std::vector<int64_t> gone;
            {
                Statement ids(db, kRescoreIdsSql);
                while (ids.step()) {
                    if (!std::binary_search(kept.begin(), kept.end(), ids.int64(0))) {
                        gone.push_back(ids.int64(0));
                    }
                }
            }
            Statement stale(db, "DELETE FROM alerts WHERE id = ?");
            for (const int64_t id : gone) {
                stale.reset();
                stale.bind(1, id).exec();
            }
        } else {
            // Which rows changed, on both cores: by the stored digest where there is one, else by
            // the stored row. The factors' JSON is built only for the rows that are written.
            std::vector<std::string> factors(stored.size());
            std::vector<uint64_t> digests(stored.size());
            std::vector<char> changed(stored.size(), 0);
            onBothCores(stored.size(), 512, [&](size_t from, size_t to) {
                for (size_t i = from; i < to; ++i) {
                    const ScoredChannel& s = scored[i];
                    const StoredResult& was = stored[i];
                    digests[i] = s.digest();
                    if (was.hasDigest) {
                        changed[i] = digests[i] != was.digest;
                    } else {
                        factors[i] = compact(s.factorsJson()).toStdString();
                        changed[i] = !(s.score == was.score && s.suppressedBy == was.suppressedBy &&
                                       s.severity.toStdString() == was.severity && factors[i] == was.factors);
                    }
                    if (changed[i] && was.hasDigest) {
                        factors[i] = compact(s.factorsJson()).toStdString();
                    }
                }
            });
            Statement up(db, "UPDATE alerts SET score = ?, severity = ?, factors = ?, suppressed_by = ?, scored_at = ? "
                             "WHERE id = ?");
            Statement compactUp(db, kStoreCompactSql);
            Statement digestUp(db, "UPDATE alert_features SET result = ?2 WHERE alert_id = ?1");
            const std::string at = stamp.toStdString();
            for (size_t i = 0; i < stored.size(); ++i) {
                const ScoredChannel& s = scored[i];
                tally(outcome, s);
                if (changed[i]) {
                    up.reset();
                    up.bind(1, s.score)
                        .bind(2, s.severity.toStdString())
                        .bind(3, factors[i])
                        .bindIntOrNull(4, s.suppressedBy, 0)
                        .bind(5, at)
                        .bind(6, stored[i].id)
                        .exec();
                }
                // After the alert row: its trigger clears the digest a changed result had.
                if (!stored[i].compact) {
                    storeCompact(compactUp, stored[i].id, features[i], digests[i]); // scored before schema 10
                } else if (changed[i] || !stored[i].hasDigest) {
                    digestUp.reset();
                    digestUp.bind(1, stored[i].id).bind(2, static_cast<int64_t>(digests[i])).exec();
                }
            }
        }
        phases.lap("write");
        outcome.channels = static_cast<qint64>(features.size());
        if (cancel && cancel->load()) {
            throw ScoringCancelled();
        }
        Statement run(db, "INSERT INTO score_runs(started, finished, engine_version, config_sha256, events, channels, "
                          "seconds, status) VALUES (?, ?, ?, ?, ?, ?, ?, 'done')");
        run.bind(1, started.toStdString())
            .bind(2, CaseStore::nowIso().toStdString())
            .bind(3, kEngineVersion)
            .bind(4, config->sha256.toStdString())
            .bind(5, static_cast<int64_t>(outcome.events))
            .bind(6, static_cast<int64_t>(outcome.channels))
            .bind(7, static_cast<double>(clock.elapsed()) / 1000.0)
            .exec();
        {
            // The connection's automatic checkpoint off for this commit only, where the caller
            // checkpoints after it has reported the pass (setDeferCheckpoint).
            const int64_t autoCheckpoint =
                deferCheckpoint_ ? queryInt(db, "PRAGMA wal_autocheckpoint").value_or(1000) : 0;
            struct Restore {
                sqlite3* db;
                int64_t pages;
                ~Restore() {
                    if (db) {
                        sqlite3_wal_autocheckpoint(db, static_cast<int>(pages));
                    }
                }
            } restore{deferCheckpoint_ ? db : nullptr, autoCheckpoint};
            if (deferCheckpoint_) {
                sqlite3_wal_autocheckpoint(db, 0);
            }
            tx.commit();
        }
        phases.lap("commit");
        log::score()->info("pass: {}", phases.summary());
        for (const QString& problem : scorer->problems()) {
            log::score()->warn("{}", problem.toStdString());
            applied += QStringLiteral("; ") + problem;
        }
        outcome.status = QStringLiteral("done");
        outcome.seconds = static_cast<double>(clock.elapsed()) / 1000.0;
        outcome.message =
            QStringLiteral("%1 channels scored from %2 events in %3 s: %4 flagged (medium or above), %5 suppressed%6")
                .arg(outcome.channels)
                .arg(outcome.events)
                .arg(outcome.seconds, 0, 'f', 2)
                .arg(outcome.flagged)
                .arg(outcome.suppressed)
                .arg(applied);
        log::score()->info("{}", outcome.message.toStdString());
    } catch (const ScoringCancelled&) {
        stopped(QStringLiteral("cancelled"), QStringLiteral("scoring cancelled; the previous scores are kept"));
        log::score()->info("{}", outcome.message.toStdString());
    } catch (const CaseError& e) {
        stopped(QStringLiteral("unusable"),
                QStringLiteral("scoring stopped: %1; the previous scores are kept").arg(QString::fromUtf8(e.what())));
        log::score()->error("{}", outcome.message.toStdString());
    } catch (const SqlError& e) {
        const int code = e.code() & 0xFF;
        if (code == SQLITE_BUSY || code == SQLITE_LOCKED) {
            stopped(QStringLiteral("busy"),
                    QStringLiteral("the case is busy: another program held its write lock for longer than %1 s; "
                                   "nothing was written, the previous scores are kept — try again")
                        .arg(CaseStore::kBusyTimeoutMs / 1000));
        } else {
            stopped(
                QStringLiteral("failed"),
                QStringLiteral("scoring failed: %1; the previous scores are kept").arg(QString::fromUtf8(e.what())));
        }
        log::score()->error("{}", outcome.message.toStdString());
    } catch (const std::exception& e) {
        stopped(QStringLiteral("failed"),
                QStringLiteral("scoring failed: %1; the previous scores are kept").arg(QString::fromUtf8(e.what())));
        log::score()->error("{}", outcome.message.toStdString());
    }
    return outcome;
}

} // namespace socwb
