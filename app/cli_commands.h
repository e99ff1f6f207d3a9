// The socwb-cli subcommands. Each takes its arguments (after the subcommand name) and returns the
// process exit code: 0 ok, 1 some input was rejected, 2 usage error, 3 the case file is unusable.
#pragma once

#include <QJsonObject>
#include <QStringList>

#include <memory>
#include <optional>

class QCommandLineParser;

namespace socwb {
class CaseStore;
}

namespace socwb::cli {

enum ExitCode { Ok = 0, Rejected = 1, Usage = 2, CaseUnusable = 3 };

int info(const QStringList& args);
int import(const QStringList& args);
int formats(const QStringList& args);
int generate(const QStringList& args);
// The scoring commands (cli_scoring.cpp).
int score(const QStringList& args);
int alerts(const QStringList& args);
int explain(const QStringList& args);
int evaluate(const QStringList& args);
int suppress(const QStringList& args);

// Shared by the commands: a line on stderr, one JSON document on stdout.
void err(const QString& s);
void printJson(const QJsonObject& o);
// Parses a subcommand's arguments. Returns an exit code when the command should stop here
// (--help printed, or a usage error reported), nullopt to go on.
std::optional<int> parse(QCommandLineParser& p, const QString& command, const QString& summary, const QStringList& args,
                         int minPositional, int maxPositional);
// Opens the case or reports why not on stderr (then nullptr: exit code 3).
std::unique_ptr<CaseStore> openCase(const QString& path);

} // namespace socwb::cli
