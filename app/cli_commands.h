// The socwb-cli subcommands. Each takes its arguments (after the subcommand name) and returns the
// process exit code (ExitCode; the README's socwb-cli section is the contract).
#pragma once

#include <QStringList>

namespace socwb::cli {

enum ExitCode {
    Ok = 0,
    Rejected = 1,      // some input was rejected, or a file was refused
    Usage = 2,
    CaseUnusable = 3,  // not a case, newer, damaged
    CaseBusy = 4,      // another import holds the case's write lock: nothing was written, try again
    CaseReadOnly = 5,  // a write was asked of a read-only case: nothing was written
    WriteFailed = 6,   // the case could not take the import (disk full, I/O error): it is as it was
    Cancelled = 130,   // Ctrl-C / SIGTERM: the import was rolled back (128 + SIGINT, as shells report it)
};

int info(const QStringList& args);
int import(const QStringList& args);
int score(const QStringList& args);
int alerts(const QStringList& args);
int formats(const QStringList& args);
int generate(const QStringList& args);

} // namespace socwb::cli
