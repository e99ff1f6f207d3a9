// Which file each output format becomes, and the one place that maps a --formats name to its
// writer, file name, and the importer format that reads it back.
#pragma once

#include "scenario_generator.h"

#include <string>
#include <vector>

namespace socwb::scenario {

class ScenarioWriters {
  public:
    static std::vector<std::string> formatNames();
    // Writes one format into outDir. Throws std::runtime_error on an unknown format or a write error.
    static GeneratedFile write(const std::string& format, const SimWorld& world, const std::string& outDir);
};

} // namespace socwb::scenario
