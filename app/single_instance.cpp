#include "single_instance.h"

#include <QDir>
#include <QFileInfo>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLocalServer>
#include <QLocalSocket>
#include <QLockFile>
#include <QStandardPaths>

#include <unistd.h>

namespace socwb {

namespace {
// A path, some JSON around it: anything longer is not a request of ours.
constexpr qint64 kMaxLine = 64 * 1024;

QByteArray line(const QJsonObject& o) {
    return QJsonDocument(o).toJson(QJsonDocument::Compact) + '\n';
}
} // namespace

SingleInstance::SingleInstance(QString socketPath, QObject* parent) : QObject(parent), path_(std::move(socketPath)) {}

SingleInstance::~SingleInstance() = default;

QString SingleInstance::defaultSocketPath() {
    QString dir = QStandardPaths::writableLocation(QStandardPaths::RuntimeLocation);
    if (dir.isEmpty()) {
        dir = QDir::tempPath();
    }
    return dir + QStringLiteral("/socwb-%1.socket").arg(::getuid());
}

SingleInstance::Reply SingleInstance::handOver(const QString& casePath, int timeoutMs) {
    lock_ = std::make_unique<QLockFile>(path_ + QStringLiteral(".lock"));
    lock_->tryLock(timeoutMs); // a socwb that died holding it leaves a stale lock, which is taken over
    QLocalSocket socket;
    socket.connectToServer(path_);
    if (!socket.waitForConnected(timeoutMs)) {
        return {}; // the lock stays held until listen()
    }
    lock_.reset();
    const QString absolute = casePath.isEmpty() ? QString() : QFileInfo(casePath).absoluteFilePath();
    socket.write(line(QJsonObject{{"open", absolute}}));
    if (!socket.waitForBytesWritten(timeoutMs)) {
        return {};
    }
    while (!socket.canReadLine()) {
        if (!socket.waitForReadyRead(timeoutMs)) {
            return {QStringLiteral("error"), QStringLiteral("the running socwb did not answer")};
        }
    }
    const QJsonObject o = QJsonDocument::fromJson(socket.readLine(kMaxLine)).object();
    return {o.value(QLatin1String("result")).toString(QStringLiteral("error")),
            o.value(QLatin1String("message")).toString()};
}

bool SingleInstance::listen(Handler handler) {
    handler_ = std::move(handler);
    if (!lock_) {
        lock_ = std::make_unique<QLockFile>(path_ + QStringLiteral(".lock"));
        lock_->tryLock(5000);
    }
    const std::unique_ptr<QLockFile> release = std::move(lock_);
    delete server_;
    server_ = new QLocalServer(this);
    server_->setSocketOptions(QLocalServer::UserAccessOption);
    if (!server_->listen(path_)) {
        // A socket left by a socwb that crashed answers nobody: take its place. One that answers
        // is alive (a socwb started between our question and now): leave it be.
        QLocalSocket probe;
        probe.connectToServer(path_);
        if (probe.waitForConnected(500)) {
            error_ = QStringLiteral("another socwb listens on %1").arg(path_);
            return false;
        }
        QLocalServer::removeServer(path_);
        if (!server_->listen(path_)) {
            error_ = server_->errorString();
            return false;
        }
    }
    connect(server_, &QLocalServer::newConnection, this, &SingleInstance::serve);
    return true;
}

void SingleInstance::serve() {
    while (QLocalSocket* socket = server_->nextPendingConnection()) {
        connect(socket, &QLocalSocket::disconnected, socket, &QObject::deleteLater);
        connect(socket, &QLocalSocket::readyRead, socket, [this, socket] {
            if (!socket->canReadLine()) {
                if (socket->bytesAvailable() > kMaxLine) {
                    socket->write(line(QJsonObject{{"result", "error"}, {"message", "request too long"}}));
                    socket->disconnectFromServer();
                }
                return;
            }
            const QJsonObject request = QJsonDocument::fromJson(socket->readLine(kMaxLine)).object();
            const QJsonValue open = request.value(QLatin1String("open"));
            Reply reply;
            if (!open.isString() || (!open.toString().isEmpty() && QFileInfo(open.toString()).isRelative())) {
                reply = {QStringLiteral("error"), QStringLiteral("not a request socwb understands")};
            } else {
                reply = handler_(open.toString());
            }
            socket->write(line(QJsonObject{{"result", reply.result}, {"message", reply.message}}));
            socket->flush();
            socket->disconnectFromServer();
        });
    }
}

} // namespace socwb
