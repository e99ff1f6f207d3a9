// ScenarioGenerator: its options, the order in which the simulation runs, and writing the files.
// What it generates is in one file a part: generator_fleet.cpp (hosts, desks, destinations),
// generator_processes.cpp, generator_channels.cpp (planted channels and look-alikes),
// generator_browsing.cpp (benign browsing) and generator_telemetry.cpp (proxy, DNS, Sysmon).
#include "scenario_generator.h"

#include "channel_catalog.h"
#include "generator_support.h"
#include "random_source.h"
#include "scenario_writers.h"
#include "truth_writer.h"

#include <algorithm>
#include <chrono>
#include <filesystem>

namespace socwb::scenario {

namespace {

constexpr int64_t kDefaultStart = 1709510400LL * kSecond; // 2024-03-04 00:00:00 UTC, a Monday

} // namespace

const char* methodName(Method m) {
    switch (m) {
    case Method::Get:
        return "GET";
    case Method::Post:
        return "POST";
    case Method::Connect:
        return "CONNECT";
    case Method::Head:
        return "HEAD";
    }
    return "GET";
}

ScenarioGenerator::ScenarioGenerator(GeneratorOptions options) : options_(std::move(options)) {
    if (options_.formats.empty()) {
        options_.formats = defaultFormats(options_.world, options_.seed);
    }
    if (options_.startUs == 0) {
        options_.startUs = kDefaultStart;
    }
}

std::vector<std::string> ScenarioGenerator::formatNames() {
    return ScenarioWriters::formatNames();
}

std::vector<std::string> ScenarioGenerator::formatNames(int world) {
    std::vector<std::string> names = formatNames();
    if (world == 2) {
        names.erase(std::remove_if(names.begin(), names.end(), isSensorFormat), names.end());
    }
    return names;
}

bool ScenarioGenerator::isSensorFormat(const std::string& format) {
    return format == "zeek-conn" || format == "zeek-ssl" || format == "suricata-eve";
}

std::vector<std::string> ScenarioGenerator::defaultFormats() {
    return {"squid", "windows-dns", "sysmon-xml", "assets"};
}

std::vector<std::string> ScenarioGenerator::defaultFormats(int world, uint64_t seed) {
    if (world != 2) {
        return defaultFormats();
    }
    // A seed's family and its Zeek flavour come from the seed, so a corpus of seeds holds both.
    const uint64_t pick = splitMix64(seed ^ 0x77326661ULL);
    if (pick % 2 == 0) {
        return {"squid", pick % 4 == 0 ? "zeek-dns" : "zeek-dns-json", "sysmon-xml", "assets"};
    }
    return {"w3c", "windows-dns", "winlogbeat", "assets"};
}

std::string ScenarioGenerator::validate() const {
    if (options_.world < 1 || options_.world > ChannelCatalog::kWorlds) {
        return "--world takes 1 or 2";
    }
    if (options_.workstations < 1 || options_.workstations > 5000) {
        return "--hosts takes 1 to 5000 workstations";
    }
    if (options_.servers < 0 || options_.servers > 500) {
        return "--servers takes 0 to 500";
    }
    if (options_.days < 1 || options_.days > 60) {
        return "--days takes 1 to 60";
    }
    std::string unknown;
    ChannelCatalog::positivesFor(options_.scenario, &unknown, options_.world);
    if (!unknown.empty() || options_.scenario.empty()) {
        std::string names;
        for (const auto& n : ChannelCatalog::scenarioNames(options_.world)) {
            names += (names.empty() ? "" : ", ") + n;
        }
        return "unknown scenario '" + unknown + "' (known: " + names + ")";
    }
    const auto known = formatNames();
    for (const auto& f : options_.formats) {
        if (options_.world == 2 && isSensorFormat(f)) {
            return "format '" + f + "' is world 1's: world 2 has no network sensor";
        }
        if (std::find(known.begin(), known.end(), f) == known.end()) {
            std::string names;
            for (const auto& n : known) {
                names += (names.empty() ? "" : ", ") + n;
            }
            return "unknown format '" + f + "' (known: " + names + ", all)";
        }
    }
    return {};
}

const std::string* ScenarioGenerator::internString(const std::string& s) {
    auto it = stringIndex_.find(s);
    if (it != stringIndex_.end()) {
        return it->second;
    }
    stringStore_.push_back(s);
    const std::string* p = &stringStore_.back();
    stringIndex_.emplace(s, p);
    return p;
}

void ScenarioGenerator::simulate() {
    world_ = SimWorld{};
    world_.startUs = options_.startUs;
    world_.endUs = options_.startUs + int64_t(options_.days) * kDay;
    world_.world = options_.world;
    world_.proxyFromUs = world_.dnsFromUs = world_.sysmonFromUs = world_.startUs;
    if (options_.world == 2) {
        buildHostsWorld2();
    } else {
        buildHosts();
        if (ChannelCatalog::scenarioNamed(options_.scenario, "sensor")) {
            // An organisation without a web proxy: every host reaches the internet directly, and a
            // network sensor at the edge (zeek-conn, zeek-ssl, suricata-eve) sees its connections.
            for (SimHost& h : world_.hosts) {
                h.directEgress = true;
            }
        }
    }
    plantChannels();
    simulateBrowsing();
    if (options_.world == 2) {
        resolveConnectionsWorld2();
    } else {
        resolveConnections();
    }
    emitProcessEvents();
    collectBrowsingLookalikes();
    collectAddresses();
    finishTruth();
}

void ScenarioGenerator::collectAddresses() {
    for (const SimRequest& q : world_.requests) {
        if (q.channel < 0) {
            continue;
        }
        ChannelTruth& t = truth_[size_t(q.channel)];
        const SimDestination& d = world_.dests[size_t(q.dest)];
        const std::string& ip = d.ips[size_t(q.ipIndex)];
        t.addresses.insert(ip);
        if (q.method == Method::Connect) {
            const bool byAddress = q.line == ProxyLine::BumpConnect || q.line == ProxyLine::Spliced;
            t.connectTargets.insert((byAddress ? ip : d.host) + ":" + std::to_string(d.port));
            ++t.connectLines;
        }
    }
    for (const SimDnsQuery& q : world_.dns) {
        if (q.channel < 0) {
            continue;
        }
        const SimDestination& d = world_.dests[size_t(q.dest)];
        ChannelTruth& t = truth_[size_t(q.channel)];
        if (q.answerCount == 0) {
            t.addresses.insert(d.ips[size_t(q.ipIndex)]);
        }
        for (int k = 0; k < q.answerCount; ++k) {
            t.addresses.insert(d.ips[q.answers[k]]);
        }
    }
    for (const SimSysmonEvent& e : world_.sysmon) {
        const int ch = world_.processes[size_t(e.process)].channel;
        if (ch < 0 || (e.eventId != 3 && e.eventId != 22)) {
            continue;
        }
        if (e.viaDest >= 0) {
            continue; // a connection to the forward proxy names no server
        }
        ChannelTruth& t = truth_[size_t(ch)];
        const SimDestination& d = world_.dests[size_t(e.dest)];
        if (e.eventId == 3 || e.answerCount == 0) {
            t.addresses.insert(d.ips[size_t(e.ipIndex)]);
        }
        for (int k = 0; k < e.answerCount; ++k) {
            t.addresses.insert(d.ips[e.answers[k]]);
        }
    }
}

const ChannelSpec* ScenarioGenerator::specOf(int channel) const {
    return channel >= 0 ? truth_[size_t(channel)].spec : nullptr;
}

void ScenarioGenerator::finishTruth() {
    for (ChannelTruth& t : truth_) {
        std::sort(t.hosts.begin(), t.hosts.end());
        std::sort(t.activeDays.begin(), t.activeDays.end());
    }
    // Channels that never polled (a working-hours channel in a weekend-only case) stay in the
    // table, because requests refer to them by index; the truth file leaves them out.
}

GenerationSummary ScenarioGenerator::write(const std::string& outDir) {
    const auto t0 = std::chrono::steady_clock::now();
    std::filesystem::create_directories(outDir);
    GenerationSummary summary;
    std::vector<std::string> formats = options_.formats;
    for (const std::string& f : formats) {
        GeneratedFile file = ScenarioWriters::write(f, world_, outDir);
        if (file.kind == "proxy") {
            summary.proxyRecords += file.records;
        } else if (file.kind == "dns") {
            summary.dnsRecords += file.records;
        } else if (file.kind == "sysmon") {
            summary.sysmonRecords += file.records;
        }
        summary.files.push_back(std::move(file));
    }
    summary.files.push_back(TruthWriter::write(*this, summary.files, outDir));
    summary.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    return summary;
}

} // namespace socwb::scenario
