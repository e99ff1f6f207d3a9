#include "alert_export.h"

#include "plain_text.h"
#include "read_connection.h"
#include "store/case_summary.h"
#include "store/statement.h"

#include <QSaveFile>

#include <stdexcept>

namespace socwb {

namespace {
QByteArray csvField(const QString& v) {
    return csvCell(v).toUtf8();
}
} // namespace

qint64 exportAlertsCsv(const QString& casePath, const AlertQuery& query, const QString& outPath) {
    ReadConnection c(casePath);
    Statement st(
        c.db(),
        (alertRowSelectSql() + QStringLiteral("WHERE %1 ORDER BY %2").arg(query.where, query.orderBy())).toStdString());
    bindAll(st, query.params);
    QSaveFile f(outPath);
    if (!f.open(QIODevice::WriteOnly)) {
        throw std::runtime_error(f.errorString().toStdString());
    }
    f.write("score,severity,status,host,role,process,process_image,destination,service,endpoint,requests,"
            "median_interval_s,jitter,first_seen_utc,last_seen_utc,tags,channel_key\r\n");
    qint64 n = 0;
    while (st.step()) {
        const AlertRow r = alertRowFromStatement(st);
        const QList<QByteArray> fields{QByteArray::number(r.score, 'f', 1),
                                       csvField(r.severity),
                                       csvField(r.status),
                                       csvField(r.host),
                                       csvField(r.hostRole),
                                       csvField(r.processName),
                                       csvField(r.processImage),
                                       csvField(r.destination),
                                       csvField(r.service),
                                       csvField(r.endpoint),
                                       QByteArray::number(r.requests),
                                       r.medianInterval < 0 ? QByteArray()
                                                            : QByteArray::number(r.medianInterval, 'f', 1),
                                       r.jitter < 0 ? QByteArray() : QByteArray::number(r.jitter, 'f', 3),
                                       isoFromUs(r.firstTs).toUtf8(),
                                       isoFromUs(r.lastTs).toUtf8(),
                                       csvField(r.tags),
                                       csvField(r.channelKey)};
        f.write(fields.join(',') + "\r\n");
        ++n;
    }
    if (!f.commit()) {
        throw std::runtime_error(f.errorString().toStdString());
    }
    return n;
}

} // namespace socwb
