// Asks why: a benign verdict or a suppression must say why, for the colleague or auditor who
// reads the case later. OK stays disabled until there is text.
#pragma once

#include <QDialog>

class QPlainTextEdit;
class QPushButton;

namespace socwb {

class JustificationDialog : public QDialog {
    Q_OBJECT
  public:
    JustificationDialog(const QString& title, const QString& prompt, QWidget* parent = nullptr);
    QString text() const;
    void setText(const QString& text);

    // Shows the dialog; an empty string when cancelled.
    static QString ask(QWidget* parent, const QString& title, const QString& prompt);

  private:
    QPlainTextEdit* edit_;
    QPushButton* ok_;
};

} // namespace socwb
