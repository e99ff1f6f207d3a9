// Gives proxy and DNS events to the Sysmon host that held their client address at the time.
// Proxy/DNS imports name hosts by client IP (source 'ip'); Sysmon names hosts by Computer, and the
// local address of its EID 3 connections says which address a host had, and when. After each
// import this step looks at every address Sysmon saw:
//  - the asset inventory wins: an address the inventory names is left alone;
//  - one Sysmon host ever had it: the IP-only host is merged into that host (events, addresses);
//  - several had it (DHCP): each event moves to the host whose time range, widened by a slack,
//    alone covers the event's time; events no range or several ranges cover stay where they are.
// Ranges come from net_connections (the evidence), not host_addresses, which proxy imports widen.
#pragma once

#include <sqlite3.h>

#include <cstdint>
#include <set>
#include <utility>
#include <vector>

namespace socwb {

class HostLinker {
  public:
    explicit HostLinker(sqlite3* db, int64_t slackUs = 3600LL * 1000000) : db_(db), slackUs_(slackUs) {}
    // Returns how many events changed host.
    int64_t link();
    // The hosts link() moved events onto.
    const std::set<int64_t>& hostsGivenEvents() const { return hostsGivenEvents_; }

  private:
    // More events than this moving in one merge: the host index is rebuilt rather than updated.
    static constexpr int64_t kRebuildIndexAfter = 50000;
    int64_t mergeAll(const std::vector<std::pair<int64_t, int64_t>>& merges);

    sqlite3* db_;
    int64_t slackUs_;
    std::set<int64_t> hostsGivenEvents_;
};

} // namespace socwb
