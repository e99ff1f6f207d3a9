// truth.json: the ground truth of a generated case — the organisation, the files written, every
// planted channel and look-alike, and an answer key a grader can match a trainee's dispositions
// against (host + registrable domain + process image -> malicious/benign, with points).
// The format is documented in docs/truth-format.md.
#pragma once

#include "scenario_generator.h"

#include <QJsonObject>

#include <string>
#include <vector>

namespace socwb::scenario {

class TruthWriter {
  public:
    static constexpr int kVersion = 1;
    static QJsonObject toJson(const ScenarioGenerator& generator, const std::vector<GeneratedFile>& files);
    static GeneratedFile write(const ScenarioGenerator& generator, const std::vector<GeneratedFile>& files,
                               const std::string& outDir);
};

} // namespace socwb::scenario
