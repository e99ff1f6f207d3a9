// How a network sensor's HTTP request becomes a URL (Zeek http.log, Suricata http events). The
// sensor sees cleartext HTTP on the wire, so the URL is rebuilt as http://<Host header>[:port]<uri>
// (the Host header missing: the server address; the port written when it is not 80 and the Host
// header names none). A proxy-style absolute URI ("GET http://host/...") is kept as it is, and a
// CONNECT's "host:port" too (scheme then empty, as for Squid).
#pragma once

#include "ingest/read/records.h"

#include <string>
#include <string_view>

namespace socwb {

// Sets r.url, scheme, host, path and query (and r.port when the record has none) from the Host
// header and the URI as logged; reads r.method, r.destIp and r.port. r.url may point into scratch.
void fillObservedUrl(ProxyRecord& r, std::string_view hostHeader, std::string_view uri, std::string& scratch);

} // namespace socwb
