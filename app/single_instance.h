// One socwb per user takes the cases: `socwb CASE` first asks a socwb already running (a local
// socket in the user's runtime folder, readable by that user alone) to show the case, and exits
// once it answers; only when none answers does it open its own window and listen in its turn. Two
// windows of one user therefore never hold the same case, and a double-click on a case that is open
// raises its window. A lock file keeps two socwb starting at once from both becoming the listener.
//
// The request is one line of JSON, {"open": "/abs/path.socwb"} or {"open": ""} (just raise), and the
// answer one line, {"result": "raised" | "opened" | "error", "message": "..."}.
#pragma once

#include <QObject>
#include <QString>

#include <functional>
#include <memory>

class QLocalServer;
class QLockFile;

namespace socwb {

class SingleInstance : public QObject {
    Q_OBJECT
  public:
    struct Reply {
        QString result;  // "raised", "opened", "error"; empty: nobody answered
        QString message; // for the person who ran socwb
    };
    // Shows the case (empty: just raises a window) and says what it did. Runs on the GUI thread.
    using Handler = std::function<Reply(const QString& casePath)>;

    explicit SingleInstance(QString socketPath = defaultSocketPath(), QObject* parent = nullptr);
    ~SingleInstance() override;
    // $XDG_RUNTIME_DIR/socwb-UID.socket, or socwb-UID.socket in the temporary folder without one.
    static QString defaultSocketPath();

    // Asks a running socwb to show the case; its reply, or an empty result when none answered (then
    // this process is the one to listen: call listen()). Blocks up to timeoutMs.
    Reply handOver(const QString& casePath, int timeoutMs = 5000);
    // Starts taking requests for `handler`; false (and errorString()) when the socket cannot be had.
    bool listen(Handler handler);
    QString errorString() const { return error_; }
    QString socketPath() const { return path_; }

  private:
    void serve();
    QString path_;
    QString error_;
    QLocalServer* server_ = nullptr;
    Handler handler_;
    // Held from a handOver() nobody answered until listen(), so that of two socwb starting together
    // one becomes the listener and the other asks it.
    std::unique_ptr<QLockFile> lock_;
};

} // namespace socwb
