#include "address_namer.h"

#include "ingest/write/domain_names.h"

#include <algorithm>

namespace socwb::scoring {

namespace {

uint64_t hostKey(uint32_t address, int32_t host) {
    return (static_cast<uint64_t>(address) << 32) | static_cast<uint32_t>(host);
}

std::string_view trimmed(std::string_view s) {
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) {
        s.remove_prefix(1);
    }
    while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) {
        s.remove_suffix(1);
    }
    return s;
}

} // namespace

std::string_view namingName(Naming n) {
    switch (n) {
    case Naming::Query:
        return "-";
    case Naming::Record:
        return "record";
    case Naming::HostDns:
        return "host_dns";
    case Naming::FleetDns:
        return "fleet_dns";
    case Naming::Address:
        return "address";
    }
    return "?";
}

void AddressNamer::add(std::string_view address, int64_t host, int64_t tsUs, int64_t domainId) {
    if (address.empty() || domainId <= 0) {
        return;
    }
    const std::string norm = DomainNames::normalize(address);
    if (!DomainNames::isIpLiteral(norm)) {
        return; // a CNAME target, not an address
    }
    auto [it, inserted] = ids_.try_emplace(norm, static_cast<uint32_t>(ids_.size()));
    raw_.push_back({it->second, static_cast<int32_t>(std::clamp<int64_t>(host, 0, INT32_MAX)), tsUs, domainId});
    ++answers_;
}

void AddressNamer::addList(std::string_view answers, int64_t host, int64_t tsUs, int64_t domainId) {
    while (!answers.empty()) {
        const size_t cut = answers.find(',');
        add(trimmed(answers.substr(0, cut)), host, tsUs, domainId);
        if (cut == std::string_view::npos) {
            break;
        }
        answers.remove_prefix(cut + 1);
    }
}

void AddressNamer::compress(std::vector<Raw>& raw, bool byHost, int64_t windowUs, std::vector<Run>& runs,
                            Index& index) {
    auto key = [byHost](const Raw& r) { return byHost ? hostKey(r.address, r.host) : uint64_t(r.address); };
    std::sort(raw.begin(), raw.end(), [&](const Raw& a, const Raw& b) {
        const uint64_t ka = key(a), kb = key(b);
        return ka != kb ? ka < kb : a.ts < b.ts;
    });
    runs.clear();
    index.clear();
    for (size_t i = 0; i < raw.size();) {
        const uint64_t k = key(raw[i]);
        const auto begin = static_cast<uint32_t>(runs.size());
        for (; i < raw.size() && key(raw[i]) == k; ++i) {
            const Raw& r = raw[i];
            if (runs.size() > begin && runs.back().domain == r.domain && r.ts - runs.back().last <= windowUs) {
                runs.back().last = r.ts;
            } else {
                runs.push_back({r.ts, r.ts, r.domain});
            }
        }
        index.emplace(k, std::make_pair(begin, static_cast<uint32_t>(runs.size())));
    }
}

void AddressNamer::append(AddressNamer&& other) {
    std::vector<const std::string*> names(other.ids_.size());
    for (const auto& [address, id] : other.ids_) {
        names[id] = &address;
    }
    // Ids are numbered in the order addresses first appear, as add() numbers them.
    std::vector<uint32_t> here(other.ids_.size(), UINT32_MAX);
    raw_.reserve(raw_.size() + other.raw_.size());
    for (Raw r : other.raw_) {
        uint32_t& id = here[r.address];
        if (id == UINT32_MAX) {
            id = ids_.try_emplace(*names[r.address], static_cast<uint32_t>(ids_.size())).first->second;
        }
        r.address = id;
        raw_.push_back(r);
    }
    answers_ += other.answers_;
    other = AddressNamer(other.config_);
}

void AddressNamer::finish() {
    compress(raw_, true, config_.windowUs, hostRuns_, hostIndex_);
    compress(raw_, false, config_.windowUs, fleetRuns_, fleetIndex_);
    std::vector<Raw>().swap(raw_);
}

AddressNamer::Result AddressNamer::name(int64_t host, std::string_view address, int64_t tsUs) const {
    const auto id = ids_.find(std::string(address));
    if (id == ids_.end()) {
        return {};
    }
    // The run that holds or last precedes tsUs, and the one after it, within [begin, end).
    auto around = [tsUs](const std::vector<Run>& runs, std::pair<uint32_t, uint32_t> range) {
        const auto first = runs.begin() + range.first, last = runs.begin() + range.second;
        const auto next = std::upper_bound(first, last, tsUs, [](int64_t t, const Run& r) { return t < r.first; });
        return std::make_pair(next == first ? last : next - 1, next == last ? last : next);
    };
    if (const auto h =
            hostIndex_.find(hostKey(id->second, static_cast<int32_t>(std::clamp<int64_t>(host, 0, INT32_MAX))));
        host > 0 && h != hostIndex_.end()) {
        const auto end = hostRuns_.begin() + h->second.second;
        const auto [before, after] = around(hostRuns_, h->second);
        if (before != end && tsUs - before->last <= config_.windowUs) {
            return {before->domain, Naming::HostDns};
        }
        if (after != end && after->first - tsUs <= config_.leadUs) {
            return {after->domain, Naming::HostDns};
        }
    }
    if (const auto f = fleetIndex_.find(id->second); f != fleetIndex_.end()) {
        const auto end = fleetRuns_.begin() + f->second.second;
        const auto [before, after] = around(fleetRuns_, f->second);
        if (before != end && (tsUs <= before->last || after == end || tsUs - before->last <= after->first - tsUs)) {
            return {before->domain, Naming::FleetDns};
        }
        if (after != end) {
            return {after->domain, Naming::FleetDns};
        }
    }
    return {};
}

} // namespace socwb::scoring
