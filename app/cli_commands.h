// The socwb-cli subcommands. Each takes its arguments (after the subcommand name) and returns the
// process exit code: 0 ok, 1 some input was rejected, 2 usage error, 3 the case file is unusable.
#pragma once

#include <QStringList>

namespace socwb::cli {

enum ExitCode { Ok = 0, Rejected = 1, Usage = 2, CaseUnusable = 3 };

int info(const QStringList& args);
int import(const QStringList& args);
int score(const QStringList& args);
int alerts(const QStringList& args);
int formats(const QStringList& args);
int generate(const QStringList& args);

} // namespace socwb::cli
