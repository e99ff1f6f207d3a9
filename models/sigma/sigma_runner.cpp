#include "sigma_runner.h"

#include "store/statement.h"

#include <QDateTime>
#include <QJsonArray>
#include <QJsonDocument>
#include <QRegularExpression>

#include <arpa/inet.h>
#include <simdjson.h>

#include <algorithm>
#include <cstring>
#include <map>
#include <string>
#include <string_view>
#include <vector>

namespace socwb::sigma {

namespace {

void regexpFn(sqlite3_context* ctx, int, sqlite3_value** argv) {
    if (sqlite3_value_type(argv[0]) == SQLITE_NULL || sqlite3_value_type(argv[1]) == SQLITE_NULL) {
        sqlite3_result_null(ctx);
        return;
    }
    auto* re = static_cast<QRegularExpression*>(sqlite3_get_auxdata(ctx, 0));
    if (!re) {
        const auto* p = reinterpret_cast<const char*>(sqlite3_value_text(argv[0]));
        re = new QRegularExpression(QString::fromUtf8(p, sqlite3_value_bytes(argv[0])));
        if (!re->isValid()) {
            delete re;
            sqlite3_result_error(ctx, "invalid regular expression", -1);
            return;
        }
        sqlite3_set_auxdata(ctx, 0, re, [](void* r) { delete static_cast<QRegularExpression*>(r); });
        re = static_cast<QRegularExpression*>(sqlite3_get_auxdata(ctx, 0));
        if (!re) { // SQLite dropped it at once (a pattern that is not constant): use it this once
            re = new QRegularExpression(QString::fromUtf8(p, sqlite3_value_bytes(argv[0])));
            const auto* v = reinterpret_cast<const char*>(sqlite3_value_text(argv[1]));
            sqlite3_result_int(ctx, re->match(QString::fromUtf8(v, sqlite3_value_bytes(argv[1]))).hasMatch());
            delete re;
            return;
        }
    }
    const auto* v = reinterpret_cast<const char*>(sqlite3_value_text(argv[1]));
    sqlite3_result_int(ctx, re->match(QString::fromUtf8(v, sqlite3_value_bytes(argv[1]))).hasMatch() ? 1 : 0);
}

bool parseIp(const char* text, unsigned char out[16], int& bits) {
    if (inet_pton(AF_INET, text, out) == 1) {
        bits = 32;
        return true;
    }
    if (inet_pton(AF_INET6, text, out) == 1) {
        bits = 128;
        return true;
    }
    return false;
}

void cidrFn(sqlite3_context* ctx, int, sqlite3_value** argv) {
    if (sqlite3_value_type(argv[0]) == SQLITE_NULL || sqlite3_value_type(argv[1]) == SQLITE_NULL) {
        sqlite3_result_null(ctx);
        return;
    }
    std::string ip(reinterpret_cast<const char*>(sqlite3_value_text(argv[0])));
    std::string net(reinterpret_cast<const char*>(sqlite3_value_text(argv[1])));
    if (ip.size() > 2 && ip.front() == '[' && ip.back() == ']') {
        ip = ip.substr(1, ip.size() - 2);
    }
    const size_t slash = net.find('/');
    unsigned char a[16], n[16];
    int abits = 0, nbits = 0;
    if (slash == std::string::npos || !parseIp(ip.c_str(), a, abits) ||
        !parseIp(net.substr(0, slash).c_str(), n, nbits) || abits != nbits) {
        sqlite3_result_int(ctx, 0);
        return;
    }
    const int prefix = std::atoi(net.c_str() + slash + 1);
    bool match = prefix >= 0 && prefix <= nbits;
    for (int i = 0; match && i < prefix; ++i) {
        const unsigned char mask = static_cast<unsigned char>(0x80 >> (i % 8));
        match = (a[i / 8] & mask) == (n[i / 8] & mask);
    }
    sqlite3_result_int(ctx, match ? 1 : 0);
}

// The JSON of the last row, parsed once for all the keys a row set reads.
struct DataCache {
    std::string json;
    simdjson::dom::parser parser;
    simdjson::dom::element doc;
    bool valid = false;
};

void dataFn(sqlite3_context* ctx, int, sqlite3_value** argv) {
    if (sqlite3_value_type(argv[0]) == SQLITE_NULL || sqlite3_value_type(argv[1]) == SQLITE_NULL) {
        sqlite3_result_null(ctx);
        return;
    }
    auto* cache = static_cast<DataCache*>(sqlite3_user_data(ctx));
    const auto* text = reinterpret_cast<const char*>(sqlite3_value_text(argv[0]));
    const auto size = static_cast<size_t>(sqlite3_value_bytes(argv[0]));
    if (!cache->valid || cache->json.size() != size || std::memcmp(cache->json.data(), text, size) != 0) {
        cache->json.assign(text, size);
        cache->valid = cache->parser.parse(cache->json).get(cache->doc) == simdjson::SUCCESS && cache->doc.is_object();
        if (!cache->valid) {
            cache->json.clear();
        }
    }
    if (!cache->valid) {
        sqlite3_result_null(ctx);
        return;
    }
    const std::string_view key(reinterpret_cast<const char*>(sqlite3_value_text(argv[1])),
                               static_cast<size_t>(sqlite3_value_bytes(argv[1])));
    simdjson::dom::element v;
    if (cache->doc.get_object().at_key(key).get(v) != simdjson::SUCCESS || v.is_null()) {
        sqlite3_result_null(ctx);
        return;
    }
    std::string_view s;
    if (v.get_string().get(s) == simdjson::SUCCESS) {
        sqlite3_result_text(ctx, s.data(), static_cast<int>(s.size()), SQLITE_TRANSIENT);
        return;
    }
    const std::string other = simdjson::to_string(v);
    sqlite3_result_text(ctx, other.data(), static_cast<int>(other.size()), SQLITE_TRANSIENT);
}

struct Pass {
    const RowSet* set = nullptr;
    QList<int> rules; // indexes into the run, evaluated on every row, a bit of a mask each
    // Inputs the pass also returns (the prefilter's): every row is returned then, not only hits.
    QMap<QString, FieldSource> scanned;
};

// The statement of one pass: the inner query reads each input once per row (a co-routine: OFFSET
// keeps SQLite from flattening it into the outer expressions), the middle one evaluates each rule
// once into a bit of a mask, the outer one keeps rows with a bit set (or every row, with the
// scanned inputs after the masks).
// `also`: a condition on x the rows must also meet (none when empty).
QString passSql(const Pass& pass, const SigmaRun& run, QList<QVariant>& params, const QString& also = QString()) {
    QMap<QString, FieldSource> inputs = pass.scanned;
    for (int r : pass.rules) {
        for (auto it = run.compiled[r].inputs.constBegin(); it != run.compiled[r].inputs.constEnd(); ++it) {
            inputs.insert(it.key(), it.value());
        }
    }
    QStringList cols{QStringLiteral("x.id AS rid")};
    for (auto it = inputs.constBegin(); it != inputs.constEnd(); ++it) {
        cols << fieldSql(*pass.set, *it) + QStringLiteral(" AS ") + it.key();
    }
    QStringList masks;
    QStringList maskNames;
    QString mask;
    for (qsizetype i = 0; i < pass.rules.size(); ++i) {
        const CompiledRule& c = run.compiled[pass.rules[i]];
        const int bit = static_cast<int>(i % 63);
        mask += (bit == 0 ? QString() : QStringLiteral(" | ")) +
                QStringLiteral("iif(%1, %2, 0)")
                    .arg(c.withBase(static_cast<int>(params.size())), QString::number(int64_t(1) << bit));
        params << c.params;
        if (bit == 62 || i + 1 == pass.rules.size()) {
            maskNames << QStringLiteral("m%1").arg(masks.size());
            masks << QStringLiteral("(%1) AS %2").arg(mask, maskNames.last());
            mask.clear();
        }
    }
    QString whereSql = pass.set->whereSql;
    if (!also.isEmpty()) {
        whereSql += (whereSql.isEmpty() ? QStringLiteral("WHERE ") : QStringLiteral(" AND ")) + also;
    }
    const QStringList scanned = pass.scanned.keys();
    const QStringList outer = QStringList{QStringLiteral("rid")} + maskNames + scanned;
    const QStringList middle = QStringList{QStringLiteral("rid")} + masks + scanned;
    const QString where = scanned.isEmpty() ? QStringLiteral(" WHERE ") + maskNames.join(QStringLiteral(" <> 0 OR ")) +
                                                  QStringLiteral(" <> 0")
                                            : QString();
    return QStringLiteral("SELECT %1 FROM (SELECT %2 FROM (SELECT %3 %4 %5 LIMIT -1 OFFSET 0) LIMIT -1 OFFSET 0)%6")
        .arg(outer.join(QStringLiteral(", ")), middle.join(QStringLiteral(", ")), cols.join(QStringLiteral(", ")),
             pass.set->fromSql, whereSql, where);
}

// Rowids as a JSON array, for json_each.
std::string jsonIds(const QList<int64_t>& ids) {
    std::string out = "[";
    for (int64_t id : ids) {
        if (out.size() > 1) {
            out += ',';
        }
        out += std::to_string(id);
    }
    out += ']';
    return out;
}

// The rows of one rule among its candidates (rowids, ascending), by the rule's own SQL.
QList<int64_t> checkCandidates(sqlite3* db, const CompiledRule& c, const QList<int64_t>& candidates) {
    Statement st(db,
                 QStringLiteral("SELECT rid FROM (%1) WHERE %2")
                     .arg(ruleRowsSql(c, QStringLiteral("x.id IN (SELECT value FROM json_each(?1))")), c.withBase(1))
                     .toStdString());
    st.bind(1, jsonIds(candidates));
    bindRuleParams(st, c.params, 2);
    QList<int64_t> out;
    while (st.step()) {
        out << st.int64(0);
    }
    std::sort(out.begin(), out.end());
    return out;
}

// The rules of a pass whose bit is set in the masks of the statement's row rid.
void addMaskHits(Statement& st, const Pass& pass, int maskCount, int64_t rid, SigmaRun& run) {
    for (int m = 0; m < maskCount; ++m) {
        const uint64_t bits = static_cast<uint64_t>(st.int64(m + 1));
        for (int b = 0; bits && b < 63; ++b) {
            if (bits & (uint64_t(1) << b)) {
                run.hits[pass.rules[m * 63 + b]] << rid;
            }
        }
    }
}

} // namespace

QString ruleRowsSql(const CompiledRule& c, const QString& also) {
    const RowSet* set = rowSet(c.logsource->source);
    QStringList cols{QStringLiteral("x.id AS rid")};
    for (auto it = c.inputs.constBegin(); it != c.inputs.constEnd(); ++it) {
        cols << fieldSql(*set, *it) + QStringLiteral(" AS ") + it.key();
    }
    QString where = set->whereSql;
    if (!also.isEmpty()) {
        where += (where.isEmpty() ? QStringLiteral("WHERE ") : QStringLiteral(" AND ")) + also;
    }
    return QStringLiteral("SELECT %1 %2 %3").arg(cols.join(QStringLiteral(", ")), set->fromSql, where);
}

void bindRuleParams(Statement& st, const QList<QVariant>& params, int first) {
    for (qsizetype i = 0; i < params.size(); ++i) {
        if (params[i].typeId() == QMetaType::Double) {
            st.bind(static_cast<int>(i + first), params[i].toDouble());
        } else {
            st.bind(static_cast<int>(i + first), params[i].toString().toStdString());
        }
    }
}

QList<int64_t> hitsOneByOne(sqlite3* db, const CompiledRule& c) {
    Statement st(
        db,
        QStringLiteral("SELECT rid FROM (%1) WHERE %2 ORDER BY rid").arg(ruleRowsSql(c), c.withBase(0)).toStdString());
    bindRuleParams(st, c.params, 1);
    QList<int64_t> out;
    while (st.step()) {
        out << st.int64(0);
    }
    return out;
}

int SigmaRun::compiledCount() const {
    return static_cast<int>(std::count_if(compiled.begin(), compiled.end(), [](const auto& c) { return c.ok(); }));
}

void registerSigmaFunctions(sqlite3* db) {
    const int flags = SQLITE_UTF8 | SQLITE_DETERMINISTIC;
    sqlite3_create_function_v2(db, "regexp", 2, flags, nullptr, regexpFn, nullptr, nullptr, nullptr);
    sqlite3_create_function_v2(db, "socwb_cidr", 2, flags, nullptr, cidrFn, nullptr, nullptr, nullptr);
    sqlite3_create_function_v2(db, "socwb_data", 2, SQLITE_UTF8, new DataCache, dataFn, nullptr, nullptr,
                               [](void* p) { delete static_cast<DataCache*>(p); });
}

QString ruleKey(const SigmaRule& rule) {
    return rule.id.isEmpty() ? rule.path + QLatin1Char('#') + rule.title : rule.id;
}

SigmaRun runRules(sqlite3* db, const QList<SigmaRule>& rules, const SigmaMappings& mappings,
                  const std::atomic<bool>* cancel, bool prefilter) {
    registerSigmaFunctions(db);
    SigmaRun run;
    std::map<QString, QList<int>> bySource;
    for (qsizetype i = 0; i < rules.size(); ++i) {
        run.compiled << compileRule(rules[i], mappings);
        run.hits << QList<int64_t>{};
        const CompiledRule& c = run.compiled.last();
        run.tables << (c.ok() ? rowSet(c.logsource->source)->table : QString());
        if (c.ok()) {
            bySource[c.logsource->source] << static_cast<int>(i);
        }
    }
    const int maxParams = std::min(30000, sqlite3_limit(db, SQLITE_LIMIT_VARIABLE_NUMBER, -1) - 1);
    constexpr int kMaxRulesPerPass = 63 * 16;
    // A rule is crowded when its candidates are at least 1/kCrowded of its source's rows.
    constexpr int kCrowded = 8;
    // Per source: the literals of the rules that have them, per input (the prefilter).
    std::map<QString, std::map<QString, LiteralSet>> literals;
    // A literal's value: the rule and the bit of the clause it meets; a row is a rule's candidate
    // once every clause's bit is set.
    struct Target {
        int rule;
        uint64_t bit;
    };
    std::vector<Target> targets;
    std::vector<uint64_t> full(static_cast<size_t>(rules.size()), 0), met(static_cast<size_t>(rules.size()), 0);
    QList<Pass> passes;
    for (const auto& [source, indexes] : bySource) {
        Pass p;
        p.set = rowSet(source);
        auto& bySet = literals[source];
        QMap<QString, FieldSource> scanned;
        int params = 0;
        for (int r : indexes) {
            const CompiledRule& c = run.compiled[r];
            if (prefilter && c.need && !c.need->isEmpty()) {
                for (qsizetype k = 0; k < c.need->size(); ++k) {
                    for (const Need& n : c.need->at(k)) {
                        bySet[n.alias].add(n.literal, static_cast<int>(targets.size()));
                        scanned.insert(n.alias, c.inputs.value(n.alias));
                    }
                    targets.push_back({r, uint64_t(1) << k});
                }
                full[static_cast<size_t>(r)] =
                    c.need->size() == 64 ? ~uint64_t(0) : (uint64_t(1) << c.need->size()) - 1;
                continue;
            }
            const int n = static_cast<int>(c.params.size());
            if (!p.rules.isEmpty() && (params + n > maxParams || p.rules.size() >= kMaxRulesPerPass)) {
                passes << p;
                p.rules.clear();
                params = 0;
            }
            p.rules << r;
            params += n;
        }
        // The last pass of the source also returns what the prefilter reads, from every row.
        p.scanned = scanned;
        if (!p.rules.isEmpty() || !p.scanned.isEmpty()) {
            passes << p;
        }
        for (auto& [alias, set] : bySet) {
            set.build();
        }
    }
    QList<QList<int64_t>> candidates(rules.size());
    std::map<QString, int64_t> rows; // per source, the rows its prefilter read
    std::vector<int64_t> lastRow(static_cast<size_t>(rules.size()), -1);
    for (const Pass& pass : passes) {
        if (cancel && cancel->load()) {
            break;
        }
        QList<QVariant> params;
        const QString sql = passSql(pass, run, params);
        Statement st(db, sql.toStdString());
        bindRuleParams(st, params, 1);
        const int maskCount = static_cast<int>((pass.rules.size() + 62) / 63);
        std::vector<const LiteralSet*> sets;
        for (const QString& alias : pass.scanned.keys()) {
            sets.push_back(&literals[pass.set->source][alias]);
        }
        sqlite3_stmt* h = st.handle();
        while (st.step()) {
            const int64_t rid = st.int64(0);
            addMaskHits(st, pass, maskCount, rid, run);
            rows[pass.set->source] += sets.empty() ? 0 : 1;
            for (size_t k = 0; k < sets.size(); ++k) {
                const int col = 1 + maskCount + static_cast<int>(k);
                const auto* text = reinterpret_cast<const char*>(sqlite3_column_text(h, col));
                if (!text) {
                    continue;
                }
                const std::string_view value(text, static_cast<size_t>(sqlite3_column_bytes(h, col)));
                sets[k]->find(value, [&](int t) {
                    const auto r = static_cast<size_t>(targets[static_cast<size_t>(t)].rule);
                    if (lastRow[r] != rid) {
                        lastRow[r] = rid;
                        met[r] = 0;
                    }
                    if (met[r] != full[r]) {
                        met[r] |= targets[static_cast<size_t>(t)].bit;
                        if (met[r] == full[r]) {
                            candidates[static_cast<qsizetype>(r)] << rid;
                        }
                    }
                });
            }
        }
        ++run.passes;
    }
    // A rule whose literals are in many of its source's rows is checked with the others of the
    // source alike in one statement, over the union of their candidates, a bit of a mask each: each
    // row is read (its JSON parsed) once for all of them rather than once per rule.
    std::map<QString, Pass> crowded;
    for (qsizetype r = 0; r < candidates.size(); ++r) {
        const QString& source = run.compiled[r].logsource->source;
        if (!candidates[r].isEmpty() && candidates[r].size() * kCrowded >= rows[source]) {
            Pass& p = crowded[source];
            p.set = rowSet(source);
            p.rules << static_cast<int>(r);
        }
    }
    for (auto& [source, pass] : crowded) {
        if (cancel && cancel->load()) {
            break;
        }
        QList<int64_t> ids;
        for (int r : pass.rules) {
            run.candidates += candidates[r].size();
            ids += candidates[r];
            candidates[r].clear();
        }
        std::sort(ids.begin(), ids.end());
        ids.erase(std::unique(ids.begin(), ids.end()), ids.end());
        // Most rows: all of them, read in order, rather than looked up one by one.
        const bool most = ids.size() * 2 >= rows[source];
        for (qsizetype first = 0; first < pass.rules.size();) {
            Pass part = pass;
            part.rules.clear();
            int n = 0;
            while (first < pass.rules.size() && part.rules.size() < kMaxRulesPerPass &&
                   (part.rules.isEmpty() || n + run.compiled[pass.rules[first]].params.size() <= maxParams)) {
                n += static_cast<int>(run.compiled[pass.rules[first]].params.size());
                part.rules << pass.rules[first++];
            }
            QList<QVariant> params;
            const QString sql =
                passSql(part, run, params,
                        most ? QString() : QStringLiteral("x.id IN (SELECT value FROM json_each(?%1))").arg(n + 1));
            Statement st(db, sql.toStdString());
            bindRuleParams(st, params, 1);
            if (!most) {
                st.bind(n + 1, jsonIds(ids));
            }
            const int maskCount = static_cast<int>((part.rules.size() + 62) / 63);
            while (st.step()) {
                addMaskHits(st, part, maskCount, st.int64(0), run);
            }
            for (int r : part.rules) {
                std::sort(run.hits[r].begin(), run.hits[r].end());
            }
            ++run.checks;
        }
    }
    for (qsizetype r = 0; r < candidates.size(); ++r) {
        if (candidates[r].isEmpty() || (cancel && cancel->load())) {
            continue;
        }
        run.candidates += candidates[r].size();
        run.hits[r] = checkCandidates(db, run.compiled[r], candidates[r]);
        ++run.checks;
    }
    return run;
}

int64_t storeHits(sqlite3* db, const QList<SigmaRule>& rules, const SigmaRun& run) {
    const std::string now = QDateTime::currentDateTimeUtc().toString(Qt::ISODate).toStdString();
    Transaction tx(db);
    Statement del(db, "DELETE FROM sigma_hits WHERE rule_key = ?");
    int64_t written = 0;
    std::map<QString, Statement> inserts;
    for (qsizetype i = 0; i < rules.size(); ++i) {
        if (!run.compiled[i].ok()) {
            continue;
        }
        const SigmaRule& r = rules[i];
        const std::string key = ruleKey(r).toStdString();
        del.bind(1, key).exec();
        del.reset();
        const QString& table = run.tables[i];
        auto it = inserts.find(table);
        if (it == inserts.end()) {
            // The table name is one of the row sets' own (code), never the rule's.
            it =
                inserts
                    .emplace(table, Statement(db, "INSERT INTO sigma_hits(rule_key, rule_id, title, level, tags, refs, "
                                                  "author, rule_path, row_table, row_id, ts_us, host_id, found_at) "
                                                  "SELECT ?, ?, ?, ?, ?, ?, ?, ?, ?, id, ts_us, host_id, ? FROM " +
                                                      table.toStdString() + " WHERE id = ?"))
                    .first;
        }
        Statement& ins = it->second;
        const std::string tags =
            QJsonDocument(QJsonArray::fromStringList(r.tags)).toJson(QJsonDocument::Compact).toStdString();
        const std::string refs =
            QJsonDocument(QJsonArray::fromStringList(r.references)).toJson(QJsonDocument::Compact).toStdString();
        for (int64_t rid : run.hits[i]) {
            ins.bind(1, key)
                .bindTextOrNull(2, r.id.toStdString())
                .bind(3, r.title.toStdString())
                .bindTextOrNull(4, r.level.toStdString())
                .bind(5, tags)
                .bind(6, refs)
                .bindTextOrNull(7, r.author.toStdString())
                .bindTextOrNull(8, r.path.toStdString())
                .bind(9, table.toStdString())
                .bind(10, now)
                .bind(11, rid)
                .exec();
            ins.reset();
            ++written;
        }
    }
    tx.commit();
    return written;
}

} // namespace socwb::sigma
