// A read-only view of a Markdown document that is not ours (an exercise's BRIEF.md, possibly an
// instructor's): headings, emphasis, lists and code blocks are rendered, but nothing in the text
// reaches outside it. Raw HTML is shown as text, links are not followed, and images or any other
// resource the text names are never loaded (no file is read, nothing is fetched).
#pragma once

#include <QTextBrowser>
#include <QTextDocument>

namespace socwb {

class MarkdownView : public QTextBrowser {
    Q_OBJECT
  public:
    explicit MarkdownView(QWidget* parent = nullptr);

    void setMarkdownText(const QString& markdown);
    // The text as the reader sees it (for tests and accessibility).
    QString shownText() const;

  protected:
    QVariant loadResource(int type, const QUrl& name) override;
};

// The view's document: QTextDocument itself reads a local file that no one else loaded, so it is
// told to load nothing too.
class ClosedDocument : public QTextDocument {
    Q_OBJECT
  public:
    using QTextDocument::QTextDocument;

  protected:
    QVariant loadResource(int type, const QUrl& name) override;
};

} // namespace socwb
