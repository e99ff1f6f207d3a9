#include "case_reader.h"

#include "case_store.h"
#include "core/logging.h"
#include "statement.h"

#include <QFileInfo>

namespace socwb {

CaseReader::CaseReader(QObject* parent) : QObject(parent), context_(new QObject) {
    thread_.setObjectName(QStringLiteral("case-reader"));
    context_->moveToThread(&thread_);
    connect(&thread_, &QThread::finished, context_, &QObject::deleteLater);
    thread_.start();
}

CaseReader::~CaseReader() {
    QMetaObject::invokeMethod(
        context_, [this] { store_.reset(); }, Qt::BlockingQueuedConnection);
    thread_.quit();
    thread_.wait();
}

void CaseReader::open(const QString& casePath) {
    QMetaObject::invokeMethod(
        context_,
        [this, casePath] {
            store_.reset();
            if (casePath.isEmpty()) {
                return; // closed: no case
            }
            QString reason;
            if (!QFileInfo::exists(casePath)) {
                reason = tr("%1: no such case").arg(casePath);
            } else {
                try {
                    // Read-only: a view never writes. Opened read-write, a reader that came up after
                    // another program replaced the file (its queued open runs whenever the thread
                    // gets to it) read the old case through the window's -wal and, closing last,
                    // checkpointed that -wal into the replacement: the other program's file was
                    // overwritten with a case (found by CI: importIntoACaseThatWentBadIsReported
                    // failed 7 runs in 20). A read-only connection cannot write the file.
                    store_ = CaseStore::open(casePath, CaseStore::Access::ReadOnly);
                } catch (const CaseError& e) {
                    reason = QString::fromUtf8(e.what());
                }
            }
            if (!reason.isEmpty()) {
                log::ui()->warn("view could not open {}: {}", casePath.toStdString(), reason.toStdString());
                QMetaObject::invokeMethod(
                    this, [this, reason] { emit openFailed(reason); }, Qt::QueuedConnection);
            }
        },
        Qt::QueuedConnection);
}

void CaseReader::post(std::function<void(sqlite3*)> job) {
    QMetaObject::invokeMethod(
        context_,
        [this, job = std::move(job)] {
            if (!store_) {
                return;
            }
            try {
                job(store_->db());
            } catch (const std::exception& e) {
                // A view's query failing must not take the window down; the view stays as it was.
                log::ui()->warn("view query failed: {}", e.what());
            }
        },
        Qt::QueuedConnection);
}

void CaseReader::drain() {
    QMetaObject::invokeMethod(
        context_, [] {}, Qt::BlockingQueuedConnection);
}

} // namespace socwb
