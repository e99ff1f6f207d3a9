// A hunt's specification written as a query for the SIEM that holds the fleet's logs: Splunk SPL
// (CIM Web data model, Sysmon for the process), Microsoft KQL (Defender DeviceNetworkEvents and
// DeviceProcessEvents, Sentinel CommonSecurityLog) or Elastic ES|QL (ECS fields). Each groups by
// host, process and destination with the poll count, the median gap and its spread, bytes, the
// catalog's endpoint shapes and the scoring config's thresholds.
//
// Destinations and hosts can come from evidence: every one is written as a string literal escaped
// by the language's own rules (the helpers below, tested), never spliced in as query text.
#pragma once

#include "hunt/hunt_spec.h"

#include <QString>

#include <optional>

namespace socwb::hunt {

enum class HuntLanguage { Spl, Kql, Esql };

// "spl", "kql", "esql" (case-insensitive); nullopt for anything else.
std::optional<HuntLanguage> languageFromName(const QString& name);
QString languageName(HuntLanguage language);  // "spl", "kql", "esql"
QString languageTitle(HuntLanguage language); // "Splunk SPL", "Microsoft KQL", "Elastic ES|QL"

QString writeHunt(const HuntSpec& spec, HuntLanguage language);

// String literals. SPL: an eval expression whose value is the text (a double-quoted string;
// control characters joined in as urldecode("%0A")). splSearchValue: a quoted value for a search
// or tstats where clause, which cannot escape '*': it matches a superset (control characters
// become '*'), narrowed by the exact eval comparison that follows it.
QString splString(const QString& text);
QString splSearchValue(const QString& text);
QString kqlString(const QString& text);
QString esqlString(const QString& text);
// Text for a one-line comment in any of the three languages: control characters, backticks and
// "*/" cannot end the comment or the query.
QString commentText(const QString& text);
// A catalog path pattern (a regular expression anchored with ^, as PCRE and RE2 read it) as
// Lucene's regular expression for ES|QL's RLIKE, which matches the whole value: '^' is dropped,
// ".*" appended unless the pattern ends with '$', Lucene's operator characters escaped. Empty when
// the pattern uses what Lucene lacks (\d, \w, \s, \b, lookaround, an inner anchor).
QString luceneRegex(const QString& pattern);

} // namespace socwb::hunt
