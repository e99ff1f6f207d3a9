// bench_suppressions [RULES]: a re-score of the sample case (sample-data/case/, 340 channels) with
// RULES suppression rules (default 20,000: host globs, exact hosts, processes and destinations that
// match nothing, as a long-lived case collects), next to the reference measured in the same run: the
// same re-score with no rule. Issue 19 measured 205 s for 20,000 rules when every glob was compiled
// again for every channel. Medians of 3.
#include "bench_support.h"

#include <QTemporaryDir>

#include <cstdio>
#include <fstream>
#include <string>

using namespace socwb::bench;

int main(int argc, char** argv) {
    const int rules = argc > 1 ? std::atoi(argv[1]) : 20000;
    QTemporaryDir tmp;
    const std::string dir = tmp.path().toStdString();
    const std::string cli = SOCWB_CLI_PATH;
    const std::string sample = SOCWB_SOURCE_DIR "/sample-data/case";
    const std::string c = dir + "/sample.socwb";
    runChild({cli, "import", c, sample + "/access.log.gz", sample + "/dns_debug.log.gz", sample + "/sysmon.xml.gz",
              sample + "/assets.csv", "--tz", "UTC"});
    runChild({cli, "score", c});
    auto rescore = [&] {
        std::vector<Measure> runs;
        for (int i = 0; i < 3; ++i) {
            runs.push_back(runChild({cli, "score", c, "--rescore"}));
        }
        return median(runs);
    };
    const Measure none = rescore();
    {
        std::ofstream yaml(dir + "/rules.yaml");
        yaml << "suppressions:\n";
        for (int i = 0; i < rules; ++i) {
            switch (i % 4) {
            case 0:
                yaml << "  - {host: 'LAB-" << i << "-*', reason: 'lab machines'}\n";
                break;
            case 1:
                yaml << "  - {host: 'KIOSK-" << i << "', reason: 'kiosk'}\n";
                break;
            case 2:
                yaml << "  - {process: '*\\tool" << i << ".exe', reason: 'managed tool'}\n";
                break;
            default:
                yaml << "  - {destination: 'cdn" << i << ".example', reason: 'internal CDN'}\n";
                break;
            }
        }
    }
    const Measure imported = runChild({cli, "suppress", c, "import", dir + "/rules.yaml", "--no-rescore"});
    const Measure many = rescore();
    std::printf("re-score of the sample case (340 channels), medians of 3:\n"
                "  reference, no suppression rule:   %.2f s\n"
                "  with %d rules:                 %.2f s (%.1fx the reference; import of the rules %.2f s)\n",
                none.seconds, rules, many.seconds, many.seconds / none.seconds, imported.seconds);
    return none.exitCode == 0 && many.exitCode == 0 && imported.exitCode == 0 ? 0 : 1;
}
