// libFuzzer harness for what analysts hand in besides evidence (issue 19): SOCWB_FUZZ_CONFIG is
// "scoring-config" (a case's scoring override, merged with the shipped defaults) or "suppressions"
// (a suppression file). A refusal (std::runtime_error, std::invalid_argument) is a valid outcome;
// what is accepted must then be usable without a silent wrong figure:
// - scoring-config: every weight, threshold and band finite, bands falling from critical to low,
//   and a pass over a few channels gives finite scores in 0..100 whose factors add up;
// - suppressions: every rule compiles for a pass (a matcher that is valid), matching runs, and the
//   rules survive export and import unchanged.
#include "core/resources.h"
#include "scoring/channel_scorer.h"
#include "scoring/scoring_config.h"
#include "scoring/suppression_store.h"

#include <QCoreApplication>
#include <QDateTime>
#include <QFileInfo>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <stdexcept>

using namespace socwb;
using namespace socwb::scoring;

namespace {

void require(bool ok, const char* what) {
    if (!ok) {
        std::fprintf(stderr, "accepted but not sound: %s\n", what);
        std::abort();
    }
}

std::vector<ChannelFeatures> channels() {
    std::vector<ChannelFeatures> out;
    for (int i = 0; i < 3; ++i) {
        ChannelFeatures f;
        f.key = QStringLiteral("WS0%1|powershell.exe|pastebin.com|").arg(i);
        f.hostId = i + 1;
        f.host = QStringLiteral("WS0%1").arg(i);
        f.hostIps = QStringLiteral("10.0.0.%1").arg(i + 5);
        f.hostRole = i == 2 ? QStringLiteral("server") : QStringLiteral("workstation");
        f.processImage = i == 1 ? QStringLiteral(R"(C:\Program Files\Google\Chrome\Application\chrome.exe)")
                                : QStringLiteral(R"(C:\Users\u\AppData\Local\Temp\powershell.exe)");
        f.processName = QFileInfo(f.processImage).fileName();
        f.commandLine = QStringLiteral("powershell -w hidden -enc SQBFAFgA");
        f.userAgent = QStringLiteral("Mozilla/5.0 (Windows NT 10.0; Win64; x64)");
        f.destination = i == 0 ? QStringLiteral("pastebin.com") : QStringLiteral("api.github.com");
        f.registeredDomain = f.destination;
        f.service = QStringLiteral("pastebin");
        f.serviceRisk = 0.9;
        f.pathPrefix = QStringLiteral("/raw/");
        f.polls = 10 + 20 * i;
        f.firstTs = 1'700'000'000'000'000;
        f.lastTs = f.firstTs + int64_t(f.polls) * 60'000'000;
        f.medianInterval = 60;
        f.jitter = 0.05 * i;
        f.bandShare = 0.9;
        out.push_back(f);
    }
    return out;
}

void scoringConfig(const QByteArray& text) {
    static const QByteArray defaults = resources::read(QStringLiteral("scoring/scoring.yaml"));
    ScoringConfig c;
    try {
        c = ScoringConfig::fromYaml(defaults, text);
    } catch (const std::runtime_error&) {
        return;
    }
    for (const auto* m : {&c.weights, &c.thresholds, &c.severity}) {
        for (const auto& [key, value] : *m) {
            require(std::isfinite(value), "a number that is not finite");
        }
    }
    require(c.severity.at("critical") > c.severity.at("high") && c.severity.at("high") > c.severity.at("medium") &&
                c.severity.at("medium") > c.severity.at("low"),
            "severity bands out of order");
    ChannelScorer scorer(c, {}, QDateTime::fromSecsSinceEpoch(1'700'100'000, Qt::UTC));
    for (const ScoredChannel& s : scorer.score(channels())) {
        require(std::isfinite(s.score) && s.score >= 0 && s.score <= 100, "a score outside 0..100");
        double sum = 0;
        for (const Factor& f : s.factors) {
            require(std::isfinite(f.contribution), "a factor that is not finite");
            sum += f.contribution;
        }
        require(std::fabs(sum - s.score) < 1e-6, "factors that do not add up to the score");
        require(!s.severity.isEmpty(), "no severity");
    }
}

void suppressions(const QByteArray& text) {
    QVector<SuppressionRule> rules;
    try {
        rules = suppressionsFromYaml(text);
    } catch (const std::runtime_error&) {
        return;
    }
    const std::vector<ChannelFeatures> cs = channels();
    for (SuppressionRule& r : rules) {
        const SuppressionMatcher m(r);
        require(m.valid(), "an accepted rule that does not compile");
        for (const ChannelFeatures& f : cs) {
            (void)m.matches(f);
        }
    }
    const QVector<SuppressionRule> back = suppressionsFromYaml(suppressionsToYaml(rules));
    require(back.size() == rules.size(), "export and import changed the number of rules");
    for (qsizetype i = 0; i < rules.size(); ++i) {
        const SuppressionRule& a = rules[i];
        const SuppressionRule& b = back[i];
        require(a.host == b.host && a.hostRole == b.hostRole && a.process == b.process &&
                    a.destination == b.destination && a.urlPrefix == b.urlPrefix && a.reason == b.reason &&
                    a.expiresAt == b.expiresAt && a.enabled == b.enabled,
                "export and import changed a rule");
    }
}

} // namespace

extern "C" int LLVMFuzzerInitialize(int* argc, char*** argv) {
    static QCoreApplication app(*argc, *argv);
    return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    const QByteArray text(reinterpret_cast<const char*>(data), static_cast<qsizetype>(size));
    if (std::strcmp(SOCWB_FUZZ_CONFIG, "scoring-config") == 0) {
        scoringConfig(text);
    } else {
        suppressions(text);
    }
    return 0;
}
