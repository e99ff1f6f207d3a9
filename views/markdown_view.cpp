#include "markdown_view.h"

#include <QScrollBar>
#include <QTextBlock>
#include <QTextCharFormat>
#include <QTextCursor>

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
    // Headings a step above the text, not the importer's poster sizes: the brief sits in a side panel.
    for (QTextBlock b = document()->begin(); b.isValid(); b = b.next()) {
        if (const int level = b.blockFormat().headingLevel(); level > 0) {
            QTextCursor c(b);
            c.movePosition(QTextCursor::EndOfBlock, QTextCursor::KeepAnchor);
            QTextCharFormat f;
            f.setProperty(QTextFormat::FontSizeAdjustment, level == 1 ? 1 : 0);
            f.setFontWeight(QFont::Bold);
            c.mergeCharFormat(f);
        }
    }
    moveCursor(QTextCursor::Start); // read from its first line, whatever was shown before
    verticalScrollBar()->setValue(0);
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
