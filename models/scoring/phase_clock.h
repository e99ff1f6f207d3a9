// Where a scoring pass spends its time: named phases, each accumulating the wall time between
// laps, logged as one line at the end (`socwb-cli --verbose score` shows it). Costs a clock read
// a phase; the pass's figures in the README's Scale section come from it.
#pragma once

#include <QElapsedTimer>

#include <string>
#include <utility>
#include <vector>

namespace socwb::scoring {

class PhaseClock {
  public:
    PhaseClock() { clock_.start(); }
    // The time since the previous lap (or construction) goes to `phase`.
    void lap(const char* phase) {
        const int64_t ns = clock_.nsecsElapsed();
        clock_.restart();
        for (auto& [name, total] : phases_) {
            if (name == phase) {
                total += ns;
                return;
            }
        }
        phases_.emplace_back(phase, ns);
    }
    std::string summary() const {
        std::string out;
        for (const auto& [name, ns] : phases_) {
            out += (out.empty() ? "" : ", ") + name + " " + std::to_string(ns / 1000000) + " ms";
        }
        return out;
    }

  private:
    QElapsedTimer clock_;
    std::vector<std::pair<std::string, int64_t>> phases_;
};

} // namespace socwb::scoring
