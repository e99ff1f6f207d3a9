#include "markdown_view.h"

namespace socwb {

MarkdownView::MarkdownView(QWidget* parent) : QTextBrowser(parent) {
    setReadOnly(true);
    setOpenLinks(false);
    setOpenExternalLinks(false);
    setTextInteractionFlags(Qt::TextSelectableByMouse | Qt::TextSelectableByKeyboard);
    setDocument(new ClosedDocument(this));
}

void MarkdownView::setMarkdownText(const QString& markdown) {
    document()->setMarkdown(markdown, QTextDocument::MarkdownFeatures(QTextDocument::MarkdownDialectGitHub |
                                                                      QTextDocument::MarkdownNoHTML));
}

QString MarkdownView::shownText() const {
    return document()->toPlainText();
}

QVariant MarkdownView::loadResource(int, const QUrl&) {
    return {};
}

QVariant ClosedDocument::loadResource(int, const QUrl&) {
    return {};
}

} // namespace socwb
