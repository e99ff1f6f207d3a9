#include "schema.h"

#include "statement.h"

#include <array>
#include <string>

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

constexpr std::array kMigrations{kV1, kV2, kV3};

// Indexes chosen for the views' queries: per-host and per-domain time ranges, and the lookups of
// events by process. They are created when a case reaches the latest version (the v1 and v2
// migrations themselves leave them out), and a bulk import drops and rebuilds them. Provenance
// is read from an event to its source (evidence_id, line_no on the row), never searched the other
// way, so it needs no index of its own.
constexpr const char* kCreateBulkIndexes = R"SQL(
CREATE INDEX IF NOT EXISTS proxy_events_host_ts ON proxy_events(host_id, ts_us);
CREATE INDEX IF NOT EXISTS proxy_events_domain_ts ON proxy_events(domain_id, ts_us);
CREATE INDEX IF NOT EXISTS dns_events_host_ts ON dns_events(host_id, ts_us);
CREATE INDEX IF NOT EXISTS dns_events_domain_ts ON dns_events(domain_id, ts_us);
CREATE INDEX IF NOT EXISTS sysmon_events_host_ts ON sysmon_events(host_id, ts_us);
CREATE INDEX IF NOT EXISTS sysmon_events_process ON sysmon_events(process_id);
CREATE INDEX IF NOT EXISTS sysmon_events_evidence ON sysmon_events(evidence_id, record_no);
CREATE INDEX IF NOT EXISTS net_connections_host_ts ON net_connections(host_id, ts_us);
CREATE INDEX IF NOT EXISTS net_connections_process ON net_connections(process_id);
CREATE INDEX IF NOT EXISTS dns_queries_host_ts ON dns_queries(host_id, ts_us);
CREATE INDEX IF NOT EXISTS dns_queries_process ON dns_queries(process_id);
)SQL";

constexpr const char* kDropBulkIndexes = R"SQL(
DROP INDEX IF EXISTS proxy_events_host_ts;
DROP INDEX IF EXISTS proxy_events_domain_ts;
DROP INDEX IF EXISTS proxy_events_evidence;
DROP INDEX IF EXISTS dns_events_host_ts;
DROP INDEX IF EXISTS dns_events_domain_ts;
DROP INDEX IF EXISTS dns_events_evidence;
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

const char* dropBulkIndexesSql() {
    return kDropBulkIndexes;
}
const char* createBulkIndexesSql() {
    return kCreateBulkIndexes;
}

void migrate(sqlite3* db, int target) {
    if (target < 0) {
        target = latestVersion();
    }
    int version = static_cast<int>(queryInt(db, "PRAGMA user_version").value_or(0));
    while (version < target) {
        Transaction tx(db);
        execSql(db, kMigrations[static_cast<size_t>(version)]);
        ++version;
        if (version == latestVersion()) {
            // The access-path indexes of the event tables; a bulk import drops and rebuilds them.
            execSql(db, kCreateBulkIndexes);
        }
        execSql(db, "PRAGMA user_version = " + std::to_string(version));
        tx.commit();
    }
}

} // namespace socwb::schema
