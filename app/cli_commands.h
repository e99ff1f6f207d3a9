// The socwb-cli subcommands. Each takes its arguments (after the subcommand name) and returns the
// process exit code (ExitCode; the README's socwb-cli section is the contract).
#pragma once

#include "cli_reference.h"
#include "store/case_store.h"

#include <QJsonObject>
#include <QStringList>

#include <atomic>
#include <memory>
#include <optional>

class QCommandLineParser;
class QCoreApplication;

namespace socwb::cli {

enum ExitCode {
    Ok = 0,
    Rejected = 1, // some input was rejected, or a file was refused
    Usage = 2,
    CaseUnusable = 3, // not a case, newer, damaged
    CaseBusy = 4,     // another import holds the case's write lock: nothing was written, try again
    CaseReadOnly = 5, // a write was asked of a read-only case: nothing was written
    WriteFailed = 6,  // the case could not take the import (disk full, I/O error): it is as it was
    Cancelled = 130,  // Ctrl-C / SIGTERM: the import was rolled back (128 + SIGINT, as shells report it)
};

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
// The channels analysts called malicious, for other tools (cli_export.cpp).
int exportChannels(const QStringList& args);
// The SIEM hunt for a channel, a host, a destination or the whole catalog (cli_hunt.cpp).
int hunt(const QStringList& args);
// Sigma rules over the case (cli_sigma.cpp).
int sigma(const QStringList& args);
// Training mode: exercise new | grade (cli_exercise.cpp).
int exercise(const QStringList& args);
// The case as a document (cli_report.cpp, built with the GUI: it draws with the window's widgets).
int report(const QStringList& args);
// The report runs under a QApplication on the offscreen platform (unless QT_QPA_PLATFORM names
// another); the other commands under a QCoreApplication.
std::unique_ptr<QCoreApplication> makeReportApplication(int& argc, char** argv);

// Ctrl-C and SIGTERM for the commands that write (import, score, suppress): main calls this first,
// before any case is opened, so an interrupt at any instant cancels (exit 130) and nothing is
// written; interrupted() is the flag the handler sets, read by the upgrade, the scoring pass and
// the import worker.
void catchInterrupts();
std::atomic<bool>& interrupted();

// The exit code for a case that cannot be used (3 unusable, 4 busy, 5 read-only, 130 cancelled).
int exitCodeFor(CaseError::Kind kind);
// Shared by the commands: a line on stderr, one JSON document on stdout.
void err(const QString& s);
// N with its noun in English's singular or plural: NOUN is a "%n thing(s)" marked with
// QT_TRANSLATE_N_NOOP("socwb::Cli", ...), whose two forms are in resources/translations/socwb_en.ts.
QString counted(const char* noun, qint64 n);
void printJson(const QJsonObject& o);
// Parses a subcommand's arguments (options added with addToParser from the command reference, whose
// description and argument counts it uses). Returns an exit code when the command should stop here
// (--help printed, or a usage error reported), nullopt to go on.
std::optional<int> parse(QCommandLineParser& p, const QString& command, const QStringList& args);
// Open the case or report why not on stderr and return nullptr; `failure` gets the exit code
// (3 unusable, 4 busy, 5 read-only). openCaseToRead opens a case that cannot be written read-only.
std::unique_ptr<CaseStore> openCase(const QString& path, int& failure,
                                    CaseStore::Access access = CaseStore::Access::ReadWrite);
std::unique_ptr<CaseStore> openCase(const QString& path);
std::unique_ptr<CaseStore> openCaseToRead(const QString& path, int& failure);

} // namespace socwb::cli
