#include "rejected_lines.h"

#include "read_connection.h"
#include "store/statement.h"

namespace socwb {

QVector<RejectedLine> readRejectedLines(const QString& casePath, qint64 evidenceId, int limit) {
    QVector<RejectedLine> out;
    try {
        ReadConnection c(casePath);
        Statement st(c.db(), "SELECT line_no, byte_offset, reason, raw FROM rejected_lines WHERE evidence_id = ? "
                             "ORDER BY line_no LIMIT ?");
        st.bind(1, int64_t(evidenceId)).bind(2, int64_t(limit));
        while (st.step()) {
            const auto* raw = static_cast<const char*>(sqlite3_column_blob(st.handle(), 3));
            const int n = sqlite3_column_bytes(st.handle(), 3);
            out.push_back({st.int64(0), st.int64(1), columnText(st, 2), QString::fromUtf8(raw, n)});
        }
    } catch (const std::exception&) {
        // Nothing to show; the caller says so.
    }
    return out;
}

} // namespace socwb
