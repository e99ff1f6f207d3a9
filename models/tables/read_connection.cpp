#include "read_connection.h"

#include "store/case_file.h"
#include "store/case_store.h"
#include "store/statement.h"

namespace socwb {

ReadConnection::ReadConnection(const QString& casePath) {
    std::string error;
    int rc = SQLITE_OK;
    db_ = case_file::connect(casePath, case_file::Mode::ReadOnly, error, &rc).release();
    if (!db_) {
        throw SqlError(casePath.toStdString() + ": " + error, rc);
    }
    sqlite3_busy_timeout(db_, CaseStore::kBusyTimeoutMs);
    execSql(db_, "PRAGMA cache_size = -32768");
}

ReadConnection::~ReadConnection() {
    case_file::close(db_);
}

void bindAll(Statement& st, const QVariantList& params, int first) {
    int i = first;
    for (const QVariant& v : params) {
        switch (v.typeId()) {
        case QMetaType::Double:
            st.bind(i, v.toDouble());
            break;
        case QMetaType::Int:
        case QMetaType::LongLong:
            st.bind(i, int64_t(v.toLongLong()));
            break;
        default:
            if (v.isNull()) {
                st.bindNull(i);
            } else {
                st.bind(i, v.toString().toStdString());
            }
        }
        ++i;
    }
}

QString columnText(const Statement& st, int col) {
    return st.isNull(col) ? QString() : QString::fromStdString(st.text(col));
}

} // namespace socwb
