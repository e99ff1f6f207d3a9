// The hostile case fixtures of tests/fixtures/cases/hostile/ (see its README): a small sound case
// built through socwb-cli from that folder's logs, and copies of it changed the way a colleague's
// editor, a bad backup or an attacker could change them.
#pragma once

#include <QString>

namespace socwb::test {

// The sound, scored base case, built once into DIR (DIR/base.socwb) and returned.
QString hostileBase(const QString& dir);
// A copy of the base case at DIR/NAME.socwb with SQL applied through a plain sqlite3 connection
// (no foreign keys, CHECK constraints ignored, as the sqlite3 shell can). Empty on failure.
QString tamperedCase(const QString& dir, const QString& name, const QString& sql);
// A copy with tests/fixtures/cases/hostile/NAME.sql applied.
QString hostileCase(const QString& dir, const QString& name);

} // namespace socwb::test
