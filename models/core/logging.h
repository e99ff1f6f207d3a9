// One named spdlog logger per subsystem (store, ingest, score, ui), all writing to a rotating file
// under the platform's app-data location; --verbose mirrors them to stderr.
#pragma once

#include <spdlog/logger.h>

#include <QString>

#include <memory>

namespace socwb::log {

// Call once at start-up. Without it the loggers still work and write nowhere.
void init(bool verbose);
// The folder of the rotating log file (SOCWB_LOG_DIR overrides the app-data location).
QString directory();

std::shared_ptr<spdlog::logger> store();
std::shared_ptr<spdlog::logger> ingest();
std::shared_ptr<spdlog::logger> score();
std::shared_ptr<spdlog::logger> ui();

} // namespace socwb::log
