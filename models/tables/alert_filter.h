// The alert queue's filter language, turned into a parameterised SQL WHERE clause. The text the
// analyst types never reaches SQL: every value is a bound parameter, every column name comes from
// the table below. Syntax (terms are ANDed):
//   host:WS0*  role:server  process:git.exe  service:pastebin  dest:*.github.com  status:new
//   severity:high  tag:c2  score>=70  requests>100  interval<=60  jitter<0.1
//   -process:git.exe          a leading '-' negates a term
//   suppressed:yes|no|any     suppressed channels are hidden unless asked for
//   kind:channel|sigma|any    channels only, Sigma rule hits only, or both (the default)
//   source:siem|events        channels that are a SIEM export's row (issue 21), or of events
//   "free text" or word       matched as a substring of host, process, destination, service, endpoint
// '*' and '?' are wildcards; a value without them matches whole (case-insensitively). Inside quotes,
// \" \\ \* \? stand for the character itself (quoteFilterValue writes a value so).
#pragma once

#include <QString>
#include <QStringList>
#include <QVariantList>

namespace socwb {

// Which kinds of queue item a filter shows: scored channels, Sigma rule hits (one per rule and
// host, alert_table_model.h), or both.
enum class AlertKinds { Both, Channels, Sigma };

struct AlertFilter {
    AlertKinds kinds = AlertKinds::Both;
    QString where = QStringLiteral("a.suppressed_by IS NULL"); // over alerts a LEFT JOIN triage t
    QVariantList params;                                       // bound to the '?' in order
    QStringList errors;                                        // terms that were not understood (ignored)
    bool operator==(const AlertFilter& o) const { return kinds == o.kinds && where == o.where && params == o.params; }
};

AlertFilter parseAlertFilter(const QString& text);

// VALUE as one quoted term that matches exactly it: quotes, backslashes and wildcards escaped
// (host:"<value>" from "Filter to this host", whatever the evidence called the host).
QString quoteFilterValue(const QString& value);

// The keys the language knows, for completion and the help text.
QStringList alertFilterKeys();

} // namespace socwb
