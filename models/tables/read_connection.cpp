#include "read_connection.h"

#include "store/case_store.h"
#include "store/statement.h"

#include <QFile>

namespace socwb {

ReadConnection::ReadConnection(const QString& casePath) {
    const QByteArray native = QFile::encodeName(casePath);
    const int rc = sqlite3_open_v2(native.constData(), &db_, SQLITE_OPEN_READONLY | SQLITE_OPEN_NOMUTEX, nullptr);
    if (rc != SQLITE_OK) {
        const std::string msg = db_ ? sqlite3_errmsg(db_) : "out of memory";
        sqlite3_close(db_);
        db_ = nullptr;
        throw SqlError(casePath.toStdString() + ": " + msg, rc);
    }
    sqlite3_busy_timeout(db_, CaseStore::kBusyTimeoutMs);
    execSql(db_, "PRAGMA cache_size = -32768");
}

ReadConnection::~ReadConnection() {
    sqlite3_close_v2(db_);
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
