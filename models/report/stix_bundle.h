// The channels an analyst called malicious (or escalated) as a STIX 2.1 bundle, for threat-intelligence
// platforms (OpenCTI, MISP's STIX import, TAXII feeds): per channel an indicator with a STIX pattern
// for its endpoint URL (and for its destination where that is not a catalogued web service: a
// domain indicator for pastebin.com would block a whole service), observed-data with the host's
// address, the destination, the URL and the process, a sighting with first/last seen and the poll
// count and the analyst's verdict and justification; once, ATT&CK T1102.003 (which every indicator
// "indicates") and the identity of the producer.
//
// Ids are name-based (UUIDv5) so that exporting the same case twice gives the same objects; the
// observables' ids follow STIX 2.1's own namespace and contributing properties. Text from evidence
// goes in as JSON strings, and into patterns escaped as the pattern grammar says.
#pragma once

#include <QDateTime>
#include <QJsonObject>
#include <QStringList>

struct sqlite3;

namespace socwb {

struct StixOptions {
    QStringList statuses{QStringLiteral("malicious"), QStringLiteral("escalated")};
    QDateTime created; // the objects' created/modified; invalid: now
    QString producer = QStringLiteral("socwb");
};

struct StixExport {
    QJsonObject bundle;
    int channels = 0;   // channels written
    int indicators = 0; // indicators written
};

// Reads the case's alerts and verdicts; throws SqlError / std::runtime_error.
StixExport exportStixBundle(sqlite3* db, const StixOptions& options = {});

// A string as a STIX pattern string literal: quoted, with ' and \ escaped (STIXPattern.g4's StringLiteral).
QString stixQuoted(const QString& s);

// A URL as logged made a valid URI (RFC 3986), as STIX's url:value must be: characters a URI cannot
// hold (a backslash, a space, non-ASCII) percent-encoded, existing escapes kept.
QString stixUri(const QString& logged);

} // namespace socwb
