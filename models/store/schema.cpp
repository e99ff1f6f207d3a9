#include "schema.h"

#include "slim_rows.h"
#include "statement.h"

#include <algorithm>
#include <array>
#include <stdexcept>
#include <string>
#include <tuple>

namespace socwb::schema {

namespace {

// Version 1: the foundation — evidence, hosts, normalized proxy/DNS events with provenance,
// rejected input, alerts, triage, and the append-only audit log.
// Timestamps of events are INTEGER microseconds since the Unix epoch, UTC; bookkeeping times
// (import start/end, audit) are ISO-8601 UTC text for people reading the file with sqlite3.
constexpr const char* kV1 = R"SQL(
CREATE TABLE case_meta (
    key   TEXT PRIMARY KEY,
    value TEXT
) WITHOUT ROWID;

CREATE TABLE evidence (
    id              INTEGER PRIMARY KEY,
    path            TEXT NOT NULL,
    sha256          TEXT NOT NULL,
    size            INTEGER NOT NULL,
    format          TEXT,
    source_tz       TEXT NOT NULL DEFAULT 'UTC',
    import_started  TEXT,
    import_finished TEXT,
    accepted        INTEGER NOT NULL DEFAULT 0,
    rejected        INTEGER NOT NULL DEFAULT 0,
    status          TEXT NOT NULL CHECK (status IN ('importing', 'imported')),
    message         TEXT
);
CREATE UNIQUE INDEX evidence_sha256 ON evidence(sha256);

CREATE TABLE hosts (
    id        INTEGER PRIMARY KEY,
    name      TEXT NOT NULL,
    role      TEXT,
    owner     TEXT,
    source    TEXT NOT NULL   -- 'ip' (seen as a client address), 'asset', 'sysmon'
);
CREATE INDEX hosts_name ON hosts(name);

-- Which address belonged to which host, and when we saw it there.
CREATE TABLE host_addresses (
    ip        TEXT NOT NULL,
    host_id   INTEGER NOT NULL REFERENCES hosts(id) ON DELETE CASCADE,
    first_ts  INTEGER,
    last_ts   INTEGER,
    source    TEXT NOT NULL,
    PRIMARY KEY (ip, host_id)
) WITHOUT ROWID;

-- Host names seen in URLs and DNS queries, interned. reg_domain is the registrable domain with the
-- Public Suffix List's private section (each hosting tenant is its own: x.workers.dev);
-- service_domain uses the ICANN section only (workers.dev) and names the service.
CREATE TABLE domains (
    id             INTEGER PRIMARY KEY,
    name           TEXT NOT NULL UNIQUE,
    reg_domain     TEXT,
    service_domain TEXT
);

CREATE TABLE proxy_events (
    id           INTEGER PRIMARY KEY,
    evidence_id  INTEGER NOT NULL REFERENCES evidence(id) ON DELETE CASCADE,
    line_no      INTEGER NOT NULL,
    ts_us        INTEGER NOT NULL,
    host_id      INTEGER REFERENCES hosts(id),
    client_ip    TEXT,
    user_name    TEXT,
    method       TEXT,
    url          TEXT,
    scheme       TEXT,
    domain_id    INTEGER REFERENCES domains(id),
    dest_port    INTEGER,
    path         TEXT,
    query        TEXT,
    dest_ip      TEXT,
    status       INTEGER,
    bytes_out    INTEGER,   -- client to server
    bytes_in     INTEGER,   -- server to client
    user_agent   TEXT,
    content_type TEXT,
    action       TEXT,      -- e.g. TCP_TUNNEL, TCP_MISS, OBSERVED, DENIED
    referrer     TEXT,
    duration_ms  INTEGER
);

CREATE TABLE dns_events (
    id           INTEGER PRIMARY KEY,
    evidence_id  INTEGER NOT NULL REFERENCES evidence(id) ON DELETE CASCADE,
    line_no      INTEGER NOT NULL,
    ts_us        INTEGER NOT NULL,
    host_id      INTEGER REFERENCES hosts(id),
    client_ip    TEXT,
    domain_id    INTEGER REFERENCES domains(id),
    qtype        TEXT,
    rcode        TEXT,
    answers      TEXT,      -- comma-separated, in the order the log gave them
    ttls         TEXT,      -- comma-separated seconds, parallel to answers
    server_ip    TEXT,
    protocol     TEXT
);

-- Input that no parser could read, kept so an analyst can see exactly what was not imported.
CREATE TABLE rejected_lines (
    id           INTEGER PRIMARY KEY,
    evidence_id  INTEGER NOT NULL REFERENCES evidence(id) ON DELETE CASCADE,
    line_no      INTEGER NOT NULL,
    byte_offset  INTEGER NOT NULL,
    reason       TEXT NOT NULL,
    raw          BLOB      -- the input bytes, cut to a bound
);
CREATE INDEX rejected_lines_evidence ON rejected_lines(evidence_id, line_no);

CREATE TABLE alerts (
    id           INTEGER PRIMARY KEY,
    host_id      INTEGER REFERENCES hosts(id),
    domain_id    INTEGER REFERENCES domains(id),
    process_key  TEXT,
    service      TEXT,
    score        REAL NOT NULL,
    reasons      TEXT,      -- JSON array of {factor, weight, value, text}
    first_ts     INTEGER,
    last_ts      INTEGER,
    request_count INTEGER,
    created_at   TEXT NOT NULL,
    engine_version TEXT
);
CREATE INDEX alerts_score ON alerts(score DESC);

CREATE TABLE triage (
    alert_id    INTEGER PRIMARY KEY REFERENCES alerts(id) ON DELETE CASCADE,
    state       TEXT NOT NULL DEFAULT 'new'
                CHECK (state IN ('new', 'investigating', 'benign', 'false-positive', 'malicious')),
    assignee    TEXT,
    note        TEXT,
    updated_at  TEXT NOT NULL
);

-- What analysts did, in order. Rows are only ever added: the triggers refuse UPDATE and DELETE.
CREATE TABLE audit_log (
    id       INTEGER PRIMARY KEY,
    ts       TEXT NOT NULL,
    actor    TEXT NOT NULL,
    action   TEXT NOT NULL,
    target   TEXT,
    detail   TEXT
);
CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;
CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;
)SQL";

// Version 2: endpoint telemetry — processes keyed by (host, ProcessGuid), Sysmon/Security events,
// and the links that say which process made a proxy request or DNS query, and how sure that is.
// Process nodes also exist for processes seen only as a parent or in a network/DNS event, so a
// GUID is never lost; two processes that shared a PID stay two rows because the GUID differs.
// Security 4688 has no GUID: its processes are keyed "4688:<pid>@<start us>" for the same reason.
constexpr const char* kV2 = R"SQL(
CREATE TABLE processes (
    id              INTEGER PRIMARY KEY,
    host_id         INTEGER NOT NULL REFERENCES hosts(id),
    process_guid    TEXT NOT NULL,   -- lower case, with braces, as Sysmon writes it
    pid             INTEGER,
    image           TEXT,
    command_line    TEXT,
    user_name       TEXT,
    integrity_level TEXT,
    hashes          TEXT,
    parent_guid     TEXT,
    parent_id       INTEGER REFERENCES processes(id),
    parent_image    TEXT,
    parent_command_line TEXT,
    start_ts        INTEGER,
    end_ts          INTEGER,
    known_from      TEXT NOT NULL,   -- 'create' (EID 1/4688), 'parent', 'network', 'dns', 'other'
    evidence_id     INTEGER REFERENCES evidence(id) ON DELETE CASCADE,
    record_no       INTEGER,
    UNIQUE (host_id, process_guid)
);
CREATE INDEX processes_parent ON processes(parent_id);
CREATE INDEX processes_host_pid ON processes(host_id, pid);

-- Every Windows event imported, whatever its ID or channel, with its data fields as JSON.
-- record_no is where it sits in the evidence (line for text, record index for EVTX);
-- event_record_id is the EventRecordID Windows gave it.
CREATE TABLE sysmon_events (
    id              INTEGER PRIMARY KEY,
    evidence_id     INTEGER NOT NULL REFERENCES evidence(id) ON DELETE CASCADE,
    record_no       INTEGER NOT NULL,
    event_record_id INTEGER,
    ts_us           INTEGER NOT NULL,
    host_id         INTEGER REFERENCES hosts(id),
    channel         TEXT,
    provider        TEXT,
    event_id        INTEGER NOT NULL,
    process_id      INTEGER REFERENCES processes(id),
    fields          TEXT        -- JSON object of the event's data fields as the log gave them
);

-- Sysmon EID 3. initiated: 1 when the process opened the connection (then src is this host).
CREATE TABLE net_connections (
    id           INTEGER PRIMARY KEY,
    event_id     INTEGER NOT NULL REFERENCES sysmon_events(id) ON DELETE CASCADE,
    host_id      INTEGER REFERENCES hosts(id),
    process_id   INTEGER REFERENCES processes(id),
    ts_us        INTEGER NOT NULL,
    protocol     TEXT,
    initiated    INTEGER,
    src_ip       TEXT,
    src_port     INTEGER,
    dst_ip       TEXT,
    dst_port     INTEGER,
    dst_host     TEXT
);

-- Sysmon EID 22. answers: the addresses of QueryResults, comma-separated (CNAME entries and the
-- ::ffff: prefix dropped); the event's fields keep QueryResults as logged.
CREATE TABLE dns_queries (
    id           INTEGER PRIMARY KEY,
    event_id     INTEGER NOT NULL REFERENCES sysmon_events(id) ON DELETE CASCADE,
    host_id      INTEGER REFERENCES hosts(id),
    process_id   INTEGER REFERENCES processes(id),
    ts_us        INTEGER NOT NULL,
    domain_id    INTEGER REFERENCES domains(id),
    status       TEXT,
    answers      TEXT
);

-- request_kind is 'proxy' or 'dns'; method is 'five-tuple', 'dns-answer', 'time-window'.
-- skew_ms = request time - time of the endpoint event that tied them (matched_event_id).
CREATE TABLE attributions (
    request_kind TEXT NOT NULL CHECK (request_kind IN ('proxy', 'dns')),
    request_id   INTEGER NOT NULL,
    process_id   INTEGER NOT NULL REFERENCES processes(id) ON DELETE CASCADE,
    method       TEXT NOT NULL CHECK (method IN ('five-tuple', 'dns-answer', 'time-window')),
    confidence   REAL NOT NULL,
    skew_ms      INTEGER,
    matched_event_id INTEGER REFERENCES sysmon_events(id) ON DELETE CASCADE,
    PRIMARY KEY (request_kind, request_id)
) WITHOUT ROWID;
CREATE INDEX attributions_process ON attributions(process_id);
)SQL";

// Version 3: the scoring engine. A channel is (host, process image where attributed, destination
// FQDN, web-service endpoint where the catalog knows its shape); the engine writes one `alerts` row
// per channel with the features it measured (JSON, the scorer's whole input) and the score, the
// severity and the factors that add up to it. Scoring again replaces the rows; analysts' triage is
// keyed by channel_key, so it survives any number of re-scores. v1's alerts and triage tables were
// never written by any build, so they are replaced rather than migrated.
constexpr const char* kV3 = R"SQL(
DROP TABLE IF EXISTS triage;
DROP TABLE IF EXISTS alerts;

-- Suppression rules: every set criterion must match (host and process are case-insensitive globs,
-- destination a domain suffix, url_prefix a prefix of the request URL without the scheme).
CREATE TABLE suppressions (
    id          INTEGER PRIMARY KEY,
    host        TEXT,
    host_role   TEXT,
    process     TEXT,
    destination TEXT,
    url_prefix  TEXT,
    reason      TEXT NOT NULL CHECK (length(trim(reason)) > 0),
    author      TEXT NOT NULL,
    created_at  TEXT NOT NULL,
    expires_at  TEXT,            -- ISO-8601 UTC; NULL: never
    enabled     INTEGER NOT NULL DEFAULT 1,
    CHECK (coalesce(host, host_role, process, destination, url_prefix) IS NOT NULL)
);

CREATE TABLE alerts (
    id                INTEGER PRIMARY KEY,
    channel_key       TEXT NOT NULL UNIQUE,  -- host|process|destination|endpoint, stable across re-scores
    host_id           INTEGER REFERENCES hosts(id),
    host              TEXT NOT NULL,         -- host name where known, else its address
    host_ips          TEXT,                  -- comma-separated
    host_role         TEXT,
    process_image     TEXT,                  -- full path as logged; NULL when no process was attributed
    process_name      TEXT,                  -- lower-case file name of process_image
    process_id        INTEGER REFERENCES processes(id), -- the first process of the channel
    destination       TEXT NOT NULL,         -- FQDN (an address literal only when no name is known)
    domain_id         INTEGER REFERENCES domains(id),
    registered_domain TEXT,                  -- Public Suffix List, private section included
    service           TEXT,                  -- web-service catalog id, or NULL
    service_category  TEXT,
    endpoint          TEXT,                  -- refined URL shape ("pastebin.com/raw/Ab12"), or NULL
    path_prefix       TEXT,                  -- the request paths the endpoint covers, or NULL
    requests          INTEGER NOT NULL,      -- polls seen: proxy requests, else connections, else DNS queries
    proxy_requests    INTEGER NOT NULL DEFAULT 0,
    dns_queries       INTEGER NOT NULL DEFAULT 0,
    net_connections   INTEGER NOT NULL DEFAULT 0,
    first_ts          INTEGER NOT NULL,      -- UTC microseconds
    last_ts           INTEGER NOT NULL,
    median_interval_s REAL,
    jitter            REAL,                  -- median absolute deviation / median of the intervals
    bytes_out         INTEGER,               -- client to server, summed
    bytes_in          INTEGER,
    features          TEXT NOT NULL,         -- JSON object: every measured feature
    score             REAL NOT NULL DEFAULT 0,
    severity          TEXT NOT NULL DEFAULT 'info'
                      CHECK (severity IN ('info', 'low', 'medium', 'high', 'critical')),
    factors           TEXT NOT NULL DEFAULT '[]', -- JSON array of {name, contribution, detail}
    suppressed_by     INTEGER REFERENCES suppressions(id) ON DELETE SET NULL,
    scored_at         TEXT,
    -- The channel's events, as ascending row ids delta-coded in LEB128 varints (see
    -- scoring/channel_members.h): which proxy_events, dns_events (server logs), dns_queries
    -- (Sysmon EID 22) and net_connections rows it holds. A few bytes an event, written with the
    -- row, so views page a channel's requests exactly.
    proxy_ids         BLOB,
    dns_ids           BLOB,
    dnsq_ids          BLOB,
    net_ids           BLOB
);
CREATE INDEX alerts_score ON alerts(score DESC, id);
CREATE INDEX alerts_host ON alerts(host_id, score DESC);

CREATE TABLE triage (
    channel_key   TEXT PRIMARY KEY,
    status        TEXT NOT NULL DEFAULT 'new'
                  CHECK (status IN ('new', 'in-review', 'benign', 'malicious', 'escalated')),
    note          TEXT,
    tags          TEXT,      -- comma-separated
    justification TEXT,
    updated_at    TEXT NOT NULL,
    updated_by    TEXT NOT NULL
) WITHOUT ROWID;

-- One row per scoring pass, for the status bar and the audit of what produced the scores.
CREATE TABLE score_runs (
    id             INTEGER PRIMARY KEY,
    started        TEXT NOT NULL,
    finished       TEXT,
    engine_version TEXT NOT NULL,
    config_sha256  TEXT,
    events         INTEGER,
    channels       INTEGER,
    seconds        REAL,
    status         TEXT NOT NULL CHECK (status IN ('running', 'done', 'cancelled', 'failed'))
);
)SQL";

// Version 4 (issue 10, "storage v3"): slim proxy and DNS rows. Repeated text is interned into
// `strings`; a proxy row keeps the URL's parts and stores the URL only when they do not rebuild
// it (see slim_rows.h). The views proxy_events and dns_events give every reader the v3 shape,
// full URL included, in the v3 column order. The rows are copied by migrateEventRowsV4().
constexpr const char* kV4Tables = R"SQL(
CREATE TABLE strings (
    id    INTEGER PRIMARY KEY,
    value TEXT NOT NULL UNIQUE
);

-- Columns ending _s hold a strings.id (NULL: the log had no such field). The columns the scoring
-- engine reads on every pass come first: SQLite decodes a record's columns from its start.
CREATE TABLE proxy_rows (
    id             INTEGER PRIMARY KEY,
    host_id        INTEGER REFERENCES hosts(id),
    domain_id      INTEGER REFERENCES domains(id),
    ts_us          INTEGER NOT NULL,
    method_s       INTEGER,
    user_agent_s   INTEGER,
    bytes_out      INTEGER,   -- client to server
    bytes_in       INTEGER,   -- server to client
    path           TEXT,
    query          TEXT,      -- without the leading '?'
    scheme_s       INTEGER,
    dest_port      INTEGER,
    status         INTEGER,
    client_ip_s    INTEGER,
    dest_ip_s      INTEGER,
    user_s         INTEGER,
    content_type_s INTEGER,
    action_s       INTEGER,
    referrer_s     INTEGER,
    duration_ms    INTEGER,
    url            TEXT,      -- only when the parts above do not rebuild the logged URL exactly
    evidence_id    INTEGER NOT NULL REFERENCES evidence(id) ON DELETE CASCADE,
    line_no        INTEGER NOT NULL
);

CREATE TABLE dns_rows (
    id           INTEGER PRIMARY KEY,
    host_id      INTEGER REFERENCES hosts(id),
    domain_id    INTEGER REFERENCES domains(id),
    ts_us        INTEGER NOT NULL,
    client_ip_s  INTEGER,
    qtype_s      INTEGER,
    rcode_s      INTEGER,
    answers_s    INTEGER,
    ttls_s       INTEGER,
    server_ip_s  INTEGER,
    protocol_s   INTEGER,
    evidence_id  INTEGER NOT NULL REFERENCES evidence(id) ON DELETE CASCADE,
    line_no      INTEGER NOT NULL
);
)SQL";

// Version 5 (issue 26): network sensor evidence. Connections a sensor saw (Zeek conn.log,
// Suricata flow events) and TLS handshakes (Zeek ssl.log, Suricata tls events), slim like the proxy
// rows, each with its provenance, joined by uid (Zeek's uid, Suricata's flow_id) so a connection
// is named by its TLS server name. host_id is the originator's host, found from its address as a
// proxy client's is. Suricata's http and dns events go to proxy_rows and dns_rows; its alerts to
// sensor_alerts (few: plain text). sensor_attributions ties a connection to the Sysmon process
// that made it (a table of its own rather than `attributions`, whose matched Sysmon events the
// scoring pass leaves out of channels). evidence_contents says what each file became, by kind
// (filled by the importer; here from the rows earlier versions wrote).
constexpr const char* kV5 = R"SQL(
CREATE TABLE sensor_conn_rows (
    id            INTEGER PRIMARY KEY,
    host_id       INTEGER REFERENCES hosts(id),  -- the originator's host
    ts_us         INTEGER NOT NULL,              -- first packet
    duration_us   INTEGER,
    resp_ip_s     INTEGER,
    resp_port     INTEGER,
    orig_bytes    INTEGER,   -- payload bytes from the originator (Zeek)
    resp_bytes    INTEGER,
    orig_ip_bytes INTEGER,   -- IP-level bytes from the originator (Zeek orig_ip_bytes, Suricata bytes_toserver)
    resp_ip_bytes INTEGER,
    orig_pkts     INTEGER,
    resp_pkts     INTEGER,
    proto_s       INTEGER,   -- tcp, udp, icmp
    service_s     INTEGER,   -- Zeek service ("ssl", "http,ssl"), Suricata app_proto
    state_s       INTEGER,   -- Zeek conn_state, Suricata flow state
    history_s     INTEGER,
    orig_ip_s     INTEGER,
    orig_port     INTEGER,
    uid           TEXT,      -- Zeek uid, Suricata flow_id
    sensor_s      INTEGER,   -- the sensor's name where the log carries it (@system, Suricata host)
    evidence_id   INTEGER NOT NULL REFERENCES evidence(id) ON DELETE CASCADE,
    line_no       INTEGER NOT NULL
);

CREATE TABLE tls_rows (
    id           INTEGER PRIMARY KEY,
    host_id      INTEGER REFERENCES hosts(id),
    ts_us        INTEGER NOT NULL,
    uid          TEXT,
    domain_id    INTEGER REFERENCES domains(id),  -- the server name (SNI)
    version_s    INTEGER,
    cipher_s     INTEGER,
    established  INTEGER,   -- 1, 0, NULL when the log does not say
    resumed      INTEGER,
    ja3_s        INTEGER,
    ja3s_s       INTEGER,
    ja4_s        INTEGER,
    ja4s_s       INTEGER,
    subject_s    INTEGER,
    issuer_s     INTEGER,
    orig_ip_s    INTEGER,
    orig_port    INTEGER,
    resp_ip_s    INTEGER,
    resp_port    INTEGER,
    sensor_s     INTEGER,
    evidence_id  INTEGER NOT NULL REFERENCES evidence(id) ON DELETE CASCADE,
    line_no      INTEGER NOT NULL
);

CREATE TABLE sensor_alerts (
    id           INTEGER PRIMARY KEY,
    ts_us        INTEGER NOT NULL,
    uid          TEXT,      -- the flow's id, as sensor_conn_rows.uid
    src_ip       TEXT,
    src_port     INTEGER,
    dest_ip      TEXT,
    dest_port    INTEGER,
    proto        TEXT,
    app_proto    TEXT,
    signature    TEXT,
    signature_id INTEGER,
    rev          INTEGER,
    category     TEXT,
    severity     INTEGER,   -- 1 (high) .. 4
    action       TEXT,      -- allowed, blocked
    sensor       TEXT,
    evidence_id  INTEGER NOT NULL REFERENCES evidence(id) ON DELETE CASCADE,
    line_no      INTEGER NOT NULL
);
CREATE INDEX sensor_alerts_uid ON sensor_alerts(uid);

-- method is 'five-tuple'; skew_ms = connection time - time of the Sysmon EID 3 that tied them.
CREATE TABLE sensor_attributions (
    conn_id          INTEGER PRIMARY KEY REFERENCES sensor_conn_rows(id) ON DELETE CASCADE,
    process_id       INTEGER NOT NULL REFERENCES processes(id) ON DELETE CASCADE,
    method           TEXT NOT NULL CHECK (method IN ('five-tuple')),
    confidence       REAL NOT NULL,
    skew_ms          INTEGER,
    matched_event_id INTEGER REFERENCES sysmon_events(id) ON DELETE CASCADE
);
CREATE INDEX sensor_attributions_process ON sensor_attributions(process_id);

-- kind: proxy, dns, windows-events, assets, connections, tls, alerts.
CREATE TABLE evidence_contents (
    evidence_id INTEGER NOT NULL REFERENCES evidence(id) ON DELETE CASCADE,
    kind        TEXT NOT NULL,
    records     INTEGER NOT NULL,
    PRIMARY KEY (evidence_id, kind)
) WITHOUT ROWID;
INSERT INTO evidence_contents SELECT evidence_id, 'proxy', count(*) FROM proxy_rows GROUP BY evidence_id;
INSERT INTO evidence_contents SELECT evidence_id, 'dns', count(*) FROM dns_rows GROUP BY evidence_id;
INSERT INTO evidence_contents SELECT evidence_id, 'windows-events', count(*) FROM sysmon_events GROUP BY evidence_id;
INSERT INTO evidence_contents SELECT id, 'assets', accepted FROM evidence WHERE format = 'assets' AND accepted > 0;

CREATE VIEW sensor_connections AS SELECT c.id AS id, c.evidence_id AS evidence_id, c.line_no AS line_no,
    c.ts_us AS ts_us, c.duration_us AS duration_us, c.host_id AS host_id, c.uid AS uid,
    (SELECT value FROM strings WHERE id = c.orig_ip_s) AS orig_ip, c.orig_port AS orig_port,
    (SELECT value FROM strings WHERE id = c.resp_ip_s) AS resp_ip, c.resp_port AS resp_port,
    (SELECT value FROM strings WHERE id = c.proto_s) AS proto,
    (SELECT value FROM strings WHERE id = c.service_s) AS service,
    c.orig_bytes AS orig_bytes, c.resp_bytes AS resp_bytes, c.orig_ip_bytes AS orig_ip_bytes,
    c.resp_ip_bytes AS resp_ip_bytes, c.orig_pkts AS orig_pkts, c.resp_pkts AS resp_pkts,
    (SELECT value FROM strings WHERE id = c.state_s) AS state,
    (SELECT value FROM strings WHERE id = c.history_s) AS history,
    (SELECT value FROM strings WHERE id = c.sensor_s) AS sensor
    FROM sensor_conn_rows c;
CREATE VIEW tls_sessions AS SELECT t.id AS id, t.evidence_id AS evidence_id, t.line_no AS line_no,
    t.ts_us AS ts_us, t.host_id AS host_id, t.uid AS uid,
    (SELECT value FROM strings WHERE id = t.orig_ip_s) AS orig_ip, t.orig_port AS orig_port,
    (SELECT value FROM strings WHERE id = t.resp_ip_s) AS resp_ip, t.resp_port AS resp_port,
    (SELECT name FROM domains WHERE id = t.domain_id) AS server_name, t.domain_id AS domain_id,
    (SELECT value FROM strings WHERE id = t.version_s) AS version,
    (SELECT value FROM strings WHERE id = t.cipher_s) AS cipher,
    t.established AS established, t.resumed AS resumed,
    (SELECT value FROM strings WHERE id = t.ja3_s) AS ja3,
    (SELECT value FROM strings WHERE id = t.ja3s_s) AS ja3s,
    (SELECT value FROM strings WHERE id = t.ja4_s) AS ja4,
    (SELECT value FROM strings WHERE id = t.ja4s_s) AS ja4s,
    (SELECT value FROM strings WHERE id = t.subject_s) AS subject,
    (SELECT value FROM strings WHERE id = t.issuer_s) AS issuer,
    (SELECT value FROM strings WHERE id = t.sensor_s) AS sensor
    FROM tls_rows t;
)SQL";

std::string str(const char* column, const char* as) {
    return std::string("(SELECT value FROM strings WHERE id = ") + column + ") AS " + as;
}

// Rows written in the v3 shape (by hand, by other tools, by older test fixtures) go in through
// the views too: the triggers intern their text and keep the URL only when it does not rebuild,
// by the same SQL rule the view reads with. The importer writes slim rows directly.
std::string eventTriggersSql() {
    auto interned = [](std::initializer_list<const char*> columns) {
        std::string union_;
        for (const char* c : columns) {
            union_ +=
                union_.empty() ? std::string("SELECT NEW.") + c + " AS v" : std::string(" UNION ALL SELECT NEW.") + c;
        }
        return "INSERT OR IGNORE INTO strings(value) SELECT v FROM (" + union_ + ") WHERE v IS NOT NULL AND v <> '';\n";
    };
    auto sid = [](const char* column) {
        return std::string("(SELECT id FROM strings WHERE value = NEW.") + column + ")";
    };
    const std::string host = "(SELECT name FROM domains WHERE id = NEW.domain_id)";
    return "CREATE TRIGGER proxy_events_insert INSTEAD OF INSERT ON proxy_events BEGIN\n" +
           interned({"client_ip", "user_name", "method", "scheme", "dest_ip", "user_agent", "content_type", "action",
                     "referrer"}) +
           "INSERT INTO proxy_rows(id, evidence_id, line_no, ts_us, host_id, domain_id, client_ip_s, user_s, method_s, "
           "scheme_s, dest_port, path, query, dest_ip_s, status, bytes_out, bytes_in, user_agent_s, content_type_s, "
           "action_s, referrer_s, duration_ms, url) VALUES (NEW.id, NEW.evidence_id, NEW.line_no, NEW.ts_us, "
           "NEW.host_id, NEW.domain_id, " +
           sid("client_ip") + ", " + sid("user_name") + ", " + sid("method") + ", " + sid("scheme") +
           ", NEW.dest_port, NEW.path, NEW.query, " + sid("dest_ip") + ", NEW.status, NEW.bytes_out, NEW.bytes_in, " +
           sid("user_agent") + ", " + sid("content_type") + ", " + sid("action") + ", " + sid("referrer") +
           ", NEW.duration_ms, CASE WHEN coalesce(NEW.url, '') = coalesce(" +
           slim::urlSql("NULL", "NEW.scheme", host, "NEW.dest_port", "NEW.path", "NEW.query") +
           ", '') THEN NULL ELSE coalesce(NEW.url, '') END);\nEND;\n"
           "CREATE TRIGGER dns_events_insert INSTEAD OF INSERT ON dns_events BEGIN\n" +
           interned({"client_ip", "qtype", "rcode", "answers", "ttls", "server_ip", "protocol"}) +
           "INSERT INTO dns_rows(id, evidence_id, line_no, ts_us, host_id, domain_id, client_ip_s, qtype_s, rcode_s, "
           "answers_s, ttls_s, server_ip_s, protocol_s) VALUES (NEW.id, NEW.evidence_id, NEW.line_no, NEW.ts_us, "
           "NEW.host_id, NEW.domain_id, " +
           sid("client_ip") + ", " + sid("qtype") + ", " + sid("rcode") + ", " + sid("answers") + ", " + sid("ttls") +
           ", " + sid("server_ip") + ", " + sid("protocol") + ");\nEND;\n";
}

// The v3 shapes, column for column, over the slim rows. Every looked-up column is a subquery of its
// own (the URL's joins included), so a query pays only for the columns it reads: count(*) through
// the view is a scan of proxy_rows alone (SQLite 3.40 does not drop a view's unused LEFT JOINs).
std::string eventViewsSql() {
    return "CREATE VIEW proxy_events AS SELECT p.id AS id, p.evidence_id AS evidence_id, p.line_no AS line_no, "
           "p.ts_us AS ts_us, p.host_id AS host_id, " +
           str("p.client_ip_s", "client_ip") + ", " + str("p.user_s", "user_name") + ", " +
           str("p.method_s", "method") + ", " + "(SELECT " +
           slim::urlSql("p.url", "sc.value", "d.name", "p.dest_port", "p.path", "p.query") +
           " FROM (SELECT 1) LEFT JOIN strings sc ON sc.id = p.scheme_s LEFT JOIN domains d ON d.id = p.domain_id)"
           " AS url, " +
           str("p.scheme_s", "scheme") +
           ", p.domain_id AS domain_id, p.dest_port AS dest_port, p.path AS path, "
           "p.query AS query, " +
           str("p.dest_ip_s", "dest_ip") + ", p.status AS status, p.bytes_out AS bytes_out, p.bytes_in AS bytes_in, " +
           str("p.user_agent_s", "user_agent") + ", " + str("p.content_type_s", "content_type") + ", " +
           str("p.action_s", "action") + ", " + str("p.referrer_s", "referrer") +
           ", p.duration_ms AS duration_ms FROM proxy_rows p;\n"
           "CREATE VIEW dns_events AS SELECT r.id AS id, r.evidence_id AS evidence_id, r.line_no AS line_no, "
           "r.ts_us AS ts_us, r.host_id AS host_id, " +
           str("r.client_ip_s", "client_ip") + ", r.domain_id AS domain_id, " + str("r.qtype_s", "qtype") + ", " +
           str("r.rcode_s", "rcode") + ", " + str("r.answers_s", "answers") + ", " + str("r.ttls_s", "ttls") + ", " +
           str("r.server_ip_s", "server_ip") + ", " + str("r.protocol_s", "protocol") + " FROM dns_rows r;\n" +
           eventTriggersSql();
}

// The v4 data step: v3's proxy_events and dns_events tables become slim rows, in chunks of ids so
// progress is real and a cancel is seen between chunks (and, through the progress handler, within
// one). Text is interned by slim_intern(), the writer's own interner; whether a URL is stored is
// decided by the view's own SQL, so a migrated row reads back through the view as it was.
void migrateEventRowsV4(sqlite3* db, const MigrationHooks* hooks) {
    execSql(db, kV4Tables);
    slim::StringInterner interner(db);
    auto intern = [](sqlite3_context* ctx, int, sqlite3_value** argv) {
        auto* in = static_cast<slim::StringInterner*>(sqlite3_user_data(ctx));
        const auto* t = reinterpret_cast<const char*>(sqlite3_value_text(argv[0]));
        const int64_t id =
            t ? in->id(std::string_view(t, static_cast<size_t>(sqlite3_value_bytes(argv[0])))) : int64_t(0);
        id ? sqlite3_result_int64(ctx, id) : sqlite3_result_null(ctx);
    };
    sqlite3_create_function_v2(db, "slim_intern", 1, SQLITE_UTF8, &interner, intern, nullptr, nullptr, nullptr);
    struct Unregister {
        sqlite3* db;
        ~Unregister() {
            sqlite3_create_function_v2(db, "slim_intern", 1, SQLITE_UTF8, nullptr, nullptr, nullptr, nullptr, nullptr);
        }
    } unregister{db};

    const std::string oldUrl = "CASE WHEN coalesce(e.url, '') = coalesce(" +
                               slim::urlSql("NULL", "e.scheme", "d.name", "e.dest_port", "e.path", "e.query") +
                               ", '') THEN NULL ELSE coalesce(e.url, '') END";
    const std::string proxyCopy =
        "INSERT INTO proxy_rows(id, evidence_id, line_no, ts_us, host_id, domain_id, client_ip_s, user_s, method_s, "
        "scheme_s, dest_port, path, query, dest_ip_s, status, bytes_out, bytes_in, user_agent_s, content_type_s, "
        "action_s, referrer_s, duration_ms, url) SELECT e.id, e.evidence_id, e.line_no, e.ts_us, e.host_id, "
        "e.domain_id, "
        "slim_intern(e.client_ip), slim_intern(e.user_name), slim_intern(e.method), slim_intern(e.scheme), "
        "e.dest_port, e.path, e.query, slim_intern(e.dest_ip), e.status, e.bytes_out, e.bytes_in, "
        "slim_intern(e.user_agent), slim_intern(e.content_type), slim_intern(e.action), slim_intern(e.referrer), "
        "e.duration_ms, " +
        oldUrl + " FROM proxy_events e LEFT JOIN domains d ON d.id = e.domain_id WHERE e.id > ? AND e.id <= ?";
    const std::string dnsCopy =
        "INSERT INTO dns_rows(id, evidence_id, line_no, ts_us, host_id, domain_id, client_ip_s, qtype_s, rcode_s, "
        "answers_s, ttls_s, server_ip_s, protocol_s) SELECT e.id, e.evidence_id, e.line_no, e.ts_us, e.host_id, "
        "e.domain_id, "
        "slim_intern(e.client_ip), slim_intern(e.qtype), slim_intern(e.rcode), slim_intern(e.answers), "
        "slim_intern(e.ttls), slim_intern(e.server_ip), slim_intern(e.protocol) FROM dns_events e "
        "WHERE e.id > ? AND e.id <= ?";
    const int64_t proxyMax = queryInt(db, "SELECT coalesce(max(id), 0) FROM proxy_events").value_or(0);
    const int64_t dnsMax = queryInt(db, "SELECT coalesce(max(id), 0) FROM dns_events").value_or(0);
    const double total = static_cast<double>(proxyMax + dnsMax) + 1.0;
    constexpr int64_t kChunk = 50000;
    int64_t done = 0;
    for (const auto& [sql, max, phase] :
         {std::tuple{&proxyCopy, proxyMax, "slimming proxy rows"}, std::tuple{&dnsCopy, dnsMax, "slimming DNS rows"}}) {
        Statement copy(db, *sql);
        for (int64_t from = 0; from < max; from += kChunk) {
            if (hooks && hooks->cancel && hooks->cancel->load()) {
                throw SqlError("upgrade cancelled", SQLITE_INTERRUPT);
            }
            copy.bind(1, from).bind(2, from + kChunk).exec();
            done += std::min(kChunk, max - from);
            if (hooks && hooks->progress) {
                hooks->progress(static_cast<double>(done) / total, phase);
            }
        }
    }
    execSql(db, "DROP TABLE proxy_events; DROP TABLE dns_events;");
    execSql(db, eventViewsSql());
}

// Version 6 (issue 25): evidence as responders receive it. A received archive is one row of
// received_files (its path, size, SHA-256 and when it was received); every member in it is one row
// of received_members (path inside, size and SHA-256 of its stored bytes, the format, and what became
// of it), and each member that was imported is an evidence row of its own, so events, rejects and
// processes keep their line or record within the member. member_path joins nested containers with
// " › " ("collection.zip › C/Windows/System32/winevt/Logs/Security.evtx").
constexpr const char* kV6 = R"SQL(
CREATE TABLE received_files (
    id           INTEGER PRIMARY KEY,
    path         TEXT NOT NULL,
    size         INTEGER NOT NULL,
    sha256       TEXT NOT NULL,
    format       TEXT,              -- the container as libarchive names it ("ZIP 2.0 (deflation)", ...)
    received_at  TEXT NOT NULL,     -- ISO-8601 UTC: when the import started
    finished_at  TEXT,
    members      INTEGER NOT NULL DEFAULT 0,
    imported     INTEGER NOT NULL DEFAULT 0,
    skipped      INTEGER NOT NULL DEFAULT 0,
    message      TEXT
);
CREATE INDEX received_files_sha256 ON received_files(sha256);

CREATE TABLE received_members (
    id           INTEGER PRIMARY KEY,
    received_id  INTEGER NOT NULL REFERENCES received_files(id) ON DELETE CASCADE,
    member_path  TEXT NOT NULL,
    size         INTEGER,           -- stored bytes; NULL when it was not read to its end
    sha256       TEXT,              -- of the stored bytes (compression included); NULL when not read
    format       TEXT,
    status       TEXT NOT NULL CHECK (status IN ('imported', 'skipped', 'duplicate', 'refused')),
    reason       TEXT,
    evidence_id  INTEGER REFERENCES evidence(id) ON DELETE SET NULL
);
CREATE INDEX received_members_received ON received_members(received_id);

ALTER TABLE evidence ADD COLUMN received_id INTEGER REFERENCES received_files(id) ON DELETE CASCADE;
ALTER TABLE evidence ADD COLUMN member_path TEXT;
)SQL";

// Version 7 (issue 26): a channel's network-sensor connections (sensor_conn_rows ids, delta-coded
// as the other member lists), so the charts and the alert's requests page exactly them. A case
// scored before has none: its alerts are as they were until the next full score.
constexpr const char* kV7 = R"SQL(
ALTER TABLE alerts ADD COLUMN sensor_ids BLOB;
)SQL";

// Version 8 (issue 21): Sigma rule hits. One row per (rule, matching row): the rule's title, level,
// tags and references (JSON arrays) as the rule said them when it ran, and the row it matched by
// table and rowid (proxy_rows, dns_rows, sysmon_events), whose evidence_id and line or record give
// its provenance. rule_key is the rule's id (or file and title): running a rule again replaces
// its rows.
constexpr const char* kV8 = R"SQL(
CREATE TABLE sigma_hits (
    id         INTEGER PRIMARY KEY,
    rule_key   TEXT NOT NULL,
    rule_id    TEXT,
    title      TEXT NOT NULL,
    level      TEXT,
    tags       TEXT,
    refs       TEXT,
    author     TEXT,
    rule_path  TEXT,
    row_table  TEXT NOT NULL CHECK (row_table IN ('proxy_rows', 'dns_rows', 'sysmon_events')),
    row_id     INTEGER NOT NULL,
    ts_us      INTEGER,
    host_id    INTEGER REFERENCES hosts(id),
    found_at   TEXT NOT NULL
);
CREATE INDEX sigma_hits_rule ON sigma_hits(rule_key);
CREATE INDEX sigma_hits_row ON sigma_hits(row_table, row_id);
)SQL";

// Version 9 (issue 23): a trainee's case records the exercise it came from (one row), the answers
// typed into its questions and the hints taken. The answer key is never stored: the grader reads it
// from the exercise's folder when the trainee submits.
constexpr const char* kV9 = R"SQL(
CREATE TABLE exercise (
    id           INTEGER PRIMARY KEY CHECK (id = 1),
    name         TEXT NOT NULL,     -- the exercise's folder name ("1-easy")
    dir          TEXT NOT NULL,     -- the exercise's folder, where its truth.json is read at grading
    truth_sha256 TEXT NOT NULL,     -- of that truth.json when the case was made (a changed key is reported)
    trainee      TEXT NOT NULL,
    started_at   TEXT NOT NULL,     -- ISO-8601 UTC
    submitted_at TEXT
);
CREATE TABLE exercise_answers (
    question_id TEXT PRIMARY KEY,
    answer      TEXT NOT NULL,
    updated_at  TEXT NOT NULL
) WITHOUT ROWID;
CREATE TABLE exercise_hints (
    question_id TEXT PRIMARY KEY,
    cost        INTEGER NOT NULL,
    used_at     TEXT NOT NULL
) WITHOUT ROWID;
)SQL";

// Version 10 (issue 20): each alert's features in the compact form a re-score reads
// (ChannelFeatures::toBinary), beside the JSON in alerts.features, which stays what explain, the
// views and exports read. A table of its own, narrow, so a re-score reads these rows without
// passing the alert's JSON and member lists. A case scored before has none: its re-score decodes
// the JSON and fills them. And the alert queue's default view (unsuppressed, highest score first)
// gets an index of exactly those rows in that order, so its first page reads a page of index
// entries instead of sorting every unsuppressed alert (tst_query_plans).
constexpr const char* kV10 = R"SQL(
CREATE TABLE alert_features (
    alert_id INTEGER PRIMARY KEY REFERENCES alerts(id) ON DELETE CASCADE,
    features BLOB NOT NULL
);
CREATE INDEX alerts_queue ON alerts(score DESC, id) WHERE suppressed_by IS NULL;
)SQL";

// Version 11 (issue 21, "results back in"): the grouped rows a SIEM returned for socwb's hunt
// queries, one per host, process and destination, as pre-aggregated channels. line_no is the row's
// line in the export (JSON documents: its row number); the numbers are the SIEM's, NULL where the
// export has no such column. The scoring engine scores each row the raw evidence of the case does
// not already hold as a channel (docs/scoring.md, "SIEM rows").
constexpr const char* kV11 = R"SQL(
CREATE TABLE siem_rows (
    id                INTEGER PRIMARY KEY,
    evidence_id       INTEGER NOT NULL REFERENCES evidence(id) ON DELETE CASCADE,
    line_no           INTEGER NOT NULL,
    product           TEXT NOT NULL CHECK (product IN ('splunk', 'sentinel', 'elastic')),
    layout            TEXT NOT NULL CHECK (layout IN ('csv', 'json')),
    host              TEXT NOT NULL,
    process           TEXT,              -- as the SIEM named it ("unattributed" when it could not)
    dest              TEXT NOT NULL,     -- lower case
    shapes            TEXT,              -- the catalog's endpoint shapes seen, "; "-joined
    polls             INTEGER NOT NULL,
    requests          INTEGER,
    intervals         INTEGER,
    median_interval_s REAL NOT NULL,
    spread            REAL NOT NULL,     -- (75th - 25th percentile gap) / median (ES|QL: MAD / median per bucket)
    gap_p25           REAL,
    gap_p75           REAL,
    bytes_out         INTEGER,
    bytes_in          INTEGER,
    paths             INTEGER,
    hosts_alike       INTEGER,
    first_us          INTEGER,
    last_us           INTEGER
);
CREATE INDEX siem_rows_evidence ON siem_rows(evidence_id, line_no);
)SQL";

// Version 12 (issue 21): what tells a SIEM's series apart and links its host keys. via: "web" (requests)
// or "dns" (lookups), NULL from an export without the column; src: the series' client addresses,
// "; "-joined (a row named by host name carries its addresses, one named by address its own);
// post_share: POSTs / proxy requests, NULL without a proxy request.
constexpr const char* kV12 = R"SQL(
ALTER TABLE siem_rows ADD COLUMN via TEXT CHECK (via IN ('web', 'dns'));
ALTER TABLE siem_rows ADD COLUMN src TEXT;
ALTER TABLE siem_rows ADD COLUMN post_share REAL;
)SQL";

// Version 13 (issue 20, re-score): a digest of each alert's stored result (score, severity,
// suppression and factors: ScoredChannel::digest) beside its compact features, so a re-score
// reads its narrow rows alone, never the alert's row (whose factors sit past the features JSON
// and its overflow pages), and compares 8 bytes instead of building every row's factors JSON. A
// change of those columns that does not come with a new digest (another program, a hand edit)
// clears it through the trigger, and the next re-score then compares with the row itself and
// rewrites what differs. Cases scored before have no digests: their next re-score fills them.
constexpr const char* kV13 = R"SQL(
ALTER TABLE alert_features ADD COLUMN result INTEGER;
CREATE TRIGGER alert_result_edited AFTER UPDATE OF score, severity, factors, suppressed_by ON alerts
WHEN OLD.score IS NOT NEW.score OR OLD.severity IS NOT NEW.severity OR OLD.factors IS NOT NEW.factors
    OR OLD.suppressed_by IS NOT NEW.suppressed_by
BEGIN
    UPDATE alert_features SET result = NULL WHERE alert_id = NEW.id;
END;
)SQL";

// Version 14 (issue 20, write side of a full score): a digest of everything else an alert row
// stores (alert_features.content: the values the pass binds but its result and scored_at, and the
// compact features; see PreparedRow in scoring_engine.cpp), so a full score leaves a row whose
// content and result are as stored as it is instead of rewriting its page (scoring an unchanged
// case wrote every alert row again). A change of those columns that does not come with a new
// digest (another program, a hand edit), and a row inserted without one, clear it through the
// triggers; the next full score then rewrites that row. Cases scored before have none: their next
// full score writes every row once, as before, and stores them.
constexpr const char* kV14 = R"SQL(
ALTER TABLE alert_features ADD COLUMN content INTEGER;
CREATE TRIGGER alert_content_edited AFTER UPDATE OF channel_key, host_id, host, host_ips, host_role, process_image,
    process_name, process_id, destination, domain_id, registered_domain, service, service_category, endpoint,
    path_prefix, requests, proxy_requests, dns_queries, net_connections, first_ts, last_ts, median_interval_s, jitter,
    bytes_out, bytes_in, features, proxy_ids, dns_ids, dnsq_ids, net_ids, sensor_ids ON alerts
BEGIN
    UPDATE alert_features SET content = NULL WHERE alert_id = NEW.id;
END;
CREATE TRIGGER alert_content_inserted AFTER INSERT ON alerts
BEGIN
    UPDATE alert_features SET content = NULL WHERE alert_id = NEW.id;
END;
)SQL";

// Version 15 (issue 20, whole case by import order): attributions in two rowid tables, one per
// request kind, keyed by the request's id, the method a small integer (0 five-tuple, 1 dns-answer,
// 2 time-window). A whole case writes hundreds of thousands of them in its import: v2's table,
// keyed by (request_kind, request_id) text and all, was 80 MB plus a 27 MB index on a 3.7 M-event
// case and its write a second of a Sysmon-last import. `attributions` is now a view of both with
// v2's columns, so readers and hand-made rows (tests) keep its shape; its triggers send an INSERT
// or DELETE to the kind's table. The import writes the tables themselves.
constexpr const char* kV15 = R"SQL(
CREATE TABLE proxy_attributions (
    request_id       INTEGER PRIMARY KEY,
    process_id       INTEGER NOT NULL REFERENCES processes(id) ON DELETE CASCADE,
    method           INTEGER NOT NULL CHECK (method IN (0, 1, 2)),
    confidence       REAL NOT NULL,
    skew_ms          INTEGER,
    matched_event_id INTEGER REFERENCES sysmon_events(id) ON DELETE CASCADE
);
CREATE TABLE dns_attributions (
    request_id       INTEGER PRIMARY KEY,
    process_id       INTEGER NOT NULL REFERENCES processes(id) ON DELETE CASCADE,
    method           INTEGER NOT NULL CHECK (method IN (0, 1, 2)),
    confidence       REAL NOT NULL,
    skew_ms          INTEGER,
    matched_event_id INTEGER REFERENCES sysmon_events(id) ON DELETE CASCADE
);
INSERT INTO proxy_attributions
    SELECT request_id, process_id, CASE method WHEN 'five-tuple' THEN 0 WHEN 'dns-answer' THEN 1 WHEN 'time-window'
    THEN 2 END, confidence, skew_ms, matched_event_id FROM attributions WHERE request_kind = 'proxy'
    ORDER BY request_id;
INSERT INTO dns_attributions
    SELECT request_id, process_id, CASE method WHEN 'five-tuple' THEN 0 WHEN 'dns-answer' THEN 1 WHEN 'time-window'
    THEN 2 END, confidence, skew_ms, matched_event_id FROM attributions WHERE request_kind = 'dns'
    ORDER BY request_id;
DROP TABLE attributions;
CREATE INDEX proxy_attributions_process ON proxy_attributions(process_id);
CREATE INDEX dns_attributions_process ON dns_attributions(process_id);
CREATE VIEW attributions(request_kind, request_id, process_id, method, confidence, skew_ms, matched_event_id) AS
    SELECT 'proxy', request_id, process_id, CASE method WHEN 0 THEN 'five-tuple' WHEN 1 THEN 'dns-answer'
        WHEN 2 THEN 'time-window' END, confidence, skew_ms, matched_event_id FROM proxy_attributions
    UNION ALL
    SELECT 'dns', request_id, process_id, CASE method WHEN 0 THEN 'five-tuple' WHEN 1 THEN 'dns-answer'
        WHEN 2 THEN 'time-window' END, confidence, skew_ms, matched_event_id FROM dns_attributions;
CREATE TRIGGER attributions_insert INSTEAD OF INSERT ON attributions
BEGIN
    SELECT RAISE(ABORT, 'attributions: request_kind must be proxy or dns')
        WHERE NEW.request_kind IS NOT 'proxy' AND NEW.request_kind IS NOT 'dns';
    INSERT INTO proxy_attributions
        SELECT NEW.request_id, NEW.process_id, CASE NEW.method WHEN 'five-tuple' THEN 0 WHEN 'dns-answer' THEN 1
        WHEN 'time-window' THEN 2 END, NEW.confidence, NEW.skew_ms, NEW.matched_event_id
        WHERE NEW.request_kind = 'proxy';
    INSERT INTO dns_attributions
        SELECT NEW.request_id, NEW.process_id, CASE NEW.method WHEN 'five-tuple' THEN 0 WHEN 'dns-answer' THEN 1
        WHEN 'time-window' THEN 2 END, NEW.confidence, NEW.skew_ms, NEW.matched_event_id
        WHERE NEW.request_kind = 'dns';
END;
CREATE TRIGGER attributions_delete INSTEAD OF DELETE ON attributions
BEGIN
    DELETE FROM proxy_attributions WHERE OLD.request_kind = 'proxy' AND request_id = OLD.request_id;
    DELETE FROM dns_attributions WHERE OLD.request_kind = 'dns' AND request_id = OLD.request_id;
END;
)SQL";

constexpr std::array<const char*, 15> kMigrations{kV1, kV2,  kV3,  kV4Tables, kV5,  kV6,  kV7, kV8,
                                                  kV9, kV10, kV11, kV12,      kV13, kV14, kV15};

// Indexes chosen for the views' queries: per-host time ranges, and the lookups of events by
// process. Schema 4 dropped v3's per-domain indexes of proxy and DNS rows (a fifth of a proxy
// case's bytes): the one query that filters by destination (a host's requests to one domain,
// ChannelSeries::loadHostDestination) reads that host's rows through host_ts, and the scoring
// engine reads every row anyway. They are created when a case reaches the latest version (the v1 and v2
// migrations themselves leave them out), and a bulk import drops and rebuilds them. Provenance
// is read from an event to its source (evidence_id, line_no on the row), never searched the other
// way, so it needs no index of its own.
constexpr const char* kCreateBulkIndexes = R"SQL(
CREATE INDEX IF NOT EXISTS proxy_rows_host_ts ON proxy_rows(host_id, ts_us);
CREATE INDEX IF NOT EXISTS dns_rows_host_ts ON dns_rows(host_id, ts_us);
CREATE INDEX IF NOT EXISTS sysmon_events_host_ts ON sysmon_events(host_id, ts_us);
CREATE INDEX IF NOT EXISTS sysmon_events_process ON sysmon_events(process_id);
CREATE INDEX IF NOT EXISTS sysmon_events_evidence ON sysmon_events(evidence_id, record_no);
CREATE INDEX IF NOT EXISTS net_connections_host_ts ON net_connections(host_id, ts_us);
CREATE INDEX IF NOT EXISTS net_connections_process ON net_connections(process_id);
CREATE INDEX IF NOT EXISTS dns_queries_host_ts ON dns_queries(host_id, ts_us);
CREATE INDEX IF NOT EXISTS dns_queries_process ON dns_queries(process_id);
CREATE INDEX IF NOT EXISTS sensor_conn_rows_host_ts ON sensor_conn_rows(host_id, ts_us);
CREATE INDEX IF NOT EXISTS tls_rows_host_ts ON tls_rows(host_id, ts_us);
CREATE INDEX IF NOT EXISTS tls_rows_uid ON tls_rows(uid);
)SQL";

// Per kind of evidence, the indexes of the tables its import writes; a bulk import drops only
// those (a Sysmon log does not make the proxy rows' index be rebuilt). Older names are dropped
// too, harmlessly, for cases migrated from them.
constexpr const char* kDropProxyIndexes = "DROP INDEX IF EXISTS proxy_rows_host_ts;";
constexpr const char* kDropDnsIndexes = "DROP INDEX IF EXISTS dns_rows_host_ts;";
constexpr const char* kDropSensorIndexes = R"SQL(
DROP INDEX IF EXISTS sensor_conn_rows_host_ts;
DROP INDEX IF EXISTS tls_rows_host_ts;
DROP INDEX IF EXISTS tls_rows_uid;
)SQL";
constexpr const char* kDropSysmonIndexes = R"SQL(
DROP INDEX IF EXISTS sysmon_events_host_ts;
DROP INDEX IF EXISTS sysmon_events_process;
DROP INDEX IF EXISTS sysmon_events_evidence;
DROP INDEX IF EXISTS net_connections_host_ts;
DROP INDEX IF EXISTS net_connections_process;
DROP INDEX IF EXISTS dns_queries_host_ts;
DROP INDEX IF EXISTS dns_queries_process;
)SQL";

} // namespace

int latestVersion() {
    return static_cast<int>(kMigrations.size());
}

std::string dropBulkIndexesSql(std::string_view kind) {
    if (kind == "siem") {
        return {}; // a few hundred grouped rows: no event table is loaded
    }
    if (kind == "proxy") {
        return kDropProxyIndexes;
    }
    if (kind == "dns") {
        return kDropDnsIndexes;
    }
    if (kind == "sysmon") {
        return kDropSysmonIndexes;
    }
    if (kind == "sensor") {
        return kDropSensorIndexes;
    }
    return std::string(kDropProxyIndexes) + kDropDnsIndexes + kDropSysmonIndexes + kDropSensorIndexes;
}

const char* bulkTablesSql(std::string_view kind) {
    if (kind == "siem") {
        return "SELECT coalesce(max(id), 0) FROM siem_rows";
    }
    if (kind == "proxy") {
        return "SELECT coalesce(max(id), 0) FROM proxy_rows";
    }
    if (kind == "dns") {
        return "SELECT coalesce(max(id), 0) FROM dns_rows";
    }
    if (kind == "sysmon") {
        return "SELECT coalesce(max(id), 0) FROM sysmon_events";
    }
    if (kind == "sensor") {
        return "SELECT (SELECT coalesce(max(id), 0) FROM sensor_conn_rows) + (SELECT coalesce(max(id), 0) FROM "
               "tls_rows)";
    }
    return "SELECT (SELECT coalesce(max(id), 0) FROM proxy_rows) + (SELECT coalesce(max(id), 0) FROM dns_rows) + "
           "(SELECT coalesce(max(id), 0) FROM sysmon_events) + (SELECT coalesce(max(id), 0) FROM sensor_conn_rows)";
}
const char* attributionTable(std::string_view kind) {
    if (kind == "proxy") {
        return "proxy_attributions";
    }
    if (kind == "dns") {
        return "dns_attributions";
    }
    throw std::invalid_argument("no attribution table for request kind " + std::string(kind));
}

std::string attributionMethodSql(std::string_view column) {
    const std::string c(column);
    return "CASE " + c + " WHEN 0 THEN 'five-tuple' WHEN 1 THEN 'dns-answer' WHEN 2 THEN 'time-window' END";
}

const char* createBulkIndexesSql() {
    return kCreateBulkIndexes;
}

void migrate(sqlite3* db, int target, const MigrationHooks* hooks) {
    if (target < 0) {
        target = latestVersion();
    }
    int version = static_cast<int>(queryInt(db, "PRAGMA user_version").value_or(0));
    if (version < 0 || version > latestVersion() || target > latestVersion()) {
        // The header field is anyone's to set; never index the migrations with it unchecked.
        throw SqlError("case schema " + std::to_string(version) + " is not one this build can upgrade (1 to " +
                           std::to_string(latestVersion()) + ")",
                       SQLITE_MISMATCH);
    }
    if (version >= target) {
        return;
    }
    // All steps in one transaction: a failed or cancelled upgrade leaves the case as it was.
    // The progress handler lets a cancel interrupt a long statement too.
    struct Handler {
        sqlite3* db;
        ~Handler() { sqlite3_progress_handler(db, 0, nullptr, nullptr); }
    } handler{db};
    if (hooks && hooks->cancel) {
        sqlite3_progress_handler(
            db, 100000, [](void* flag) -> int { return static_cast<const std::atomic<bool>*>(flag)->load() ? 1 : 0; },
            const_cast<std::atomic<bool>*>(hooks->cancel));
    }
    Transaction tx(db);
    while (version < target) {
        if (version == 3) {
            migrateEventRowsV4(db, hooks);
        } else {
            execSql(db, kMigrations[static_cast<size_t>(version)]);
        }
        ++version;
        if (version == latestVersion()) {
            // The access-path indexes of the event tables; a bulk import drops and rebuilds them.
            if (hooks && hooks->progress) {
                hooks->progress(1.0, "building indexes");
            }
            execSql(db, kCreateBulkIndexes);
        }
    }
    execSql(db, "PRAGMA user_version = " + std::to_string(version));
    tx.commit();
}

} // namespace socwb::schema
