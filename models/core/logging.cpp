#include "logging.h"

#include <spdlog/sinks/null_sink.h>
#include <spdlog/sinks/rotating_file_sink.h>
#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>

#include <QDir>
#include <QStandardPaths>

#include <array>
#include <mutex>

namespace socwb::log {

namespace {

constexpr std::array kNames{"store", "ingest", "score", "ui"};
std::once_flag initOnce;

std::mutex registering;

std::shared_ptr<spdlog::logger> named(const char* name) {
    if (auto existing = spdlog::get(name)) {
        return existing;
    }
    // Two threads may ask first (the import worker and the GUI): spdlog throws when a name is
    // registered twice, so look and register under one lock.
    const std::lock_guard<std::mutex> lock(registering);
    if (auto existing = spdlog::get(name)) {
        return existing;
    }
    // Not initialised (a unit test, say): a logger that drops everything.
    auto logger = std::make_shared<spdlog::logger>(name, std::make_shared<spdlog::sinks::null_sink_mt>());
    spdlog::register_logger(logger);
    return logger;
}

} // namespace

QString directory() {
    const QString overridden = qEnvironmentVariable("SOCWB_LOG_DIR");
    if (!overridden.isEmpty()) {
        return overridden;
    }
    return QStandardPaths::writableLocation(QStandardPaths::GenericDataLocation) + QStringLiteral("/socwb/logs");
}

void init(bool verbose) {
    std::call_once(initOnce, [verbose] {
        std::vector<spdlog::sink_ptr> sinks;
        const QString dir = directory();
        if (QDir().mkpath(dir)) {
            try {
                const std::string file = (dir + QStringLiteral("/socwb.log")).toStdString();
                sinks.push_back(std::make_shared<spdlog::sinks::rotating_file_sink_mt>(file, 5 * 1024 * 1024, 3));
            } catch (const spdlog::spdlog_ex&) {
                // A read-only home must not stop the program; it just logs less.
            }
        }
        if (verbose) {
            auto err = std::make_shared<spdlog::sinks::stderr_color_sink_mt>();
            sinks.push_back(err);
        }
        const std::lock_guard<std::mutex> lock(registering);
        for (const char* name : kNames) {
            spdlog::drop(name);
            auto logger = std::make_shared<spdlog::logger>(name, sinks.begin(), sinks.end());
            logger->set_level(verbose ? spdlog::level::debug : spdlog::level::info);
            logger->set_pattern("%Y-%m-%dT%H:%M:%S.%e %^%l%$ [%n] %v");
            logger->flush_on(spdlog::level::warn);
            spdlog::register_logger(logger);
        }
    });
}

std::shared_ptr<spdlog::logger> store() {
    return named("store");
}
std::shared_ptr<spdlog::logger> ingest() {
    return named("ingest");
}
std::shared_ptr<spdlog::logger> score() {
    return named("score");
}
std::shared_ptr<spdlog::logger> ui() {
    return named("ui");
}

} // namespace socwb::log
