// The documentation cannot drift from the programs: socwb-cli's and socwb's --help, their man pages
// and the bash completion all come from app/cli_reference.cpp, and this checks that what each says
// agrees with the others — an option added to a parser but not to the table, a command dispatched
// but not documented, a man page groff warns about, a completion that offers the wrong words.
#include "cli_reference.h"
#include "ingest/read/format_registry.h"
#include "main_window.h"
#include "test_paths.h"

#include <QDir>
#include <QFile>
#include <QProcess>
#include <QRegularExpression>
#include <QSet>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>

using namespace socwb;
using namespace socwb::test;

namespace {

QString manSource(const QString& program) {
    QFile f(QStringLiteral(SOCWB_MAN_DIR "/%1.1").arg(program));
    if (!f.open(QIODevice::ReadOnly)) {
        return {};
    }
    return QString::fromUtf8(f.readAll());
}

// The lines of a man page from `.SS name` (or `.SH name`) to the next section heading.
QString manSection(const QString& source, const QString& heading) {
    const qsizetype start = source.indexOf(QStringLiteral("\n") + heading + QLatin1Char('\n'));
    if (start < 0) {
        return {};
    }
    const QRegularExpression next(QStringLiteral("\n\\.S[SH] "));
    const QRegularExpressionMatch m = next.match(source, start + heading.size() + 1);
    return source.mid(start, m.hasMatch() ? m.capturedStart() - start : -1);
}

QSet<QString> manOptions(const QString& section) {
    QSet<QString> names;
    static const QRegularExpression re(QStringLiteral("^\\\\fB\\\\-\\\\-([a-z\\\\-]+)\\\\fR"),
                                       QRegularExpression::MultilineOption);
    for (auto it = re.globalMatch(section); it.hasNext();) {
        names << it.next().captured(1).replace(QStringLiteral("\\-"), QStringLiteral("-"));
    }
    return names;
}

QSet<QString> manArguments(const QString& section) {
    QSet<QString> names;
    static const QRegularExpression re(QStringLiteral("^\\.TP\\n\\\\fI([A-Z|]+)\\\\fR$"),
                                       QRegularExpression::MultilineOption);
    for (auto it = re.globalMatch(section); it.hasNext();) {
        names << it.next().captured(1);
    }
    return names;
}

// QCommandLineParser's help: "Options:" then "  -h, --help   ...", "  --format <F>   ..."; "Arguments:"
// then "  CASE   ...".
QSet<QString> helpOptions(const QString& help) {
    QSet<QString> names;
    const qsizetype options = help.indexOf(QStringLiteral("Options:"));
    const qsizetype arguments = help.indexOf(QStringLiteral("Arguments:"));
    const QString block = help.mid(options, arguments > options ? arguments - options : -1);
    static const QRegularExpression re(QStringLiteral("^  (?:-[a-zA-Z], )?--([a-z-]+)"),
                                       QRegularExpression::MultilineOption);
    for (auto it = re.globalMatch(block); it.hasNext();) {
        names << it.next().captured(1);
    }
    return names;
}

QSet<QString> helpArguments(const QString& help) {
    QSet<QString> names;
    const qsizetype arguments = help.indexOf(QStringLiteral("Arguments:"));
    if (arguments < 0) {
        return names;
    }
    static const QRegularExpression re(QStringLiteral("^  ([A-Z|]+)\\s"), QRegularExpression::MultilineOption);
    for (auto it = re.globalMatch(help.mid(arguments)); it.hasNext();) {
        names << it.next().captured(1);
    }
    return names;
}

QString run(const QString& program, const QStringList& args, int* exitCode = nullptr) {
    QProcess p;
    p.start(program, args);
    p.waitForFinished(60000);
    if (exitCode) {
        *exitCode = p.exitCode();
    }
    return QString::fromUtf8(p.readAllStandardOutput());
}

// What the completion offers for the words typed so far (the last one being completed).
QStringList complete(const QStringList& words, const QString& cwd) {
    QString script = QStringLiteral("source '%1'\nCOMP_WORDS=(").arg(QStringLiteral(SOCWB_COMPLETION_FILE));
    for (const QString& w : words) {
        script += QLatin1Char('\'') + w + QStringLiteral("' ");
    }
    script +=
        QStringLiteral(")\nCOMP_CWORD=%1\n_socwb_cli\nprintf '%s\\n' \"${COMPREPLY[@]}\"\n").arg(words.size() - 1);
    QProcess bash;
    bash.setWorkingDirectory(cwd);
    bash.start(QStringLiteral("bash"), {QStringLiteral("--norc"), QStringLiteral("-c"), script});
    bash.waitForFinished(30000);
    QStringList out = QString::fromUtf8(bash.readAllStandardOutput()).split(QLatin1Char('\n'), Qt::SkipEmptyParts);
    out.sort();
    return out;
}

QStringList sorted(QStringList l) {
    l.sort();
    return l;
}

} // namespace

class TestCliReference : public QObject {
    Q_OBJECT
  private slots:
    void commandsAgree();
    void optionsAndArgumentsAgree_data();
    void optionsAndArgumentsAgree();
    void exitCodesAgree();
    void guiOptionsAgree();
    void viewNamesAreTheWindows();
    void manPagesRender_data();
    void manPagesRender();
    void completion_data();
    void completion();
};

void TestCliReference::commandsAgree() {
    int code = -1;
    const QString usage = run(QStringLiteral(SOCWB_CLI_PATH), {QStringLiteral("--help")}, &code);
    QCOMPARE(code, 0);
    // socwb-cli --help: "commands:" then each "  NAME ARGS..." line.
    const QString block = usage.section(QStringLiteral("commands:\n"), 1).section(QStringLiteral("\n\n"), 0, 0);
    QStringList fromHelp;
    for (const QString& l : block.split(QLatin1Char('\n'))) {
        if (l.startsWith(QStringLiteral("  ")) && !l.startsWith(QStringLiteral("   "))) {
            fromHelp << l.trimmed().section(QLatin1Char(' '), 0, 0);
        }
    }
    const QString man = manSource(QStringLiteral("socwb-cli"));
    QVERIFY2(!man.isEmpty(), SOCWB_MAN_DIR "/socwb-cli.1 is missing");
    QStringList fromMan;
    const QString commands = manSection(man, QStringLiteral(".SH COMMANDS"));
    static const QRegularExpression ss(QStringLiteral("^\\.SS (\\S+)$"), QRegularExpression::MultilineOption);
    for (auto it = ss.globalMatch(man); it.hasNext();) {
        fromMan << it.next().captured(1);
    }
    QStringList fromTable;
    for (const cli::CommandRef& c : cli::cliReference().commands) {
        fromTable << QString::fromLatin1(c.name);
    }
    QVERIFY(fromTable.size() >= 9);
    QCOMPARE(sorted(fromHelp), sorted(fromTable));
    QCOMPARE(sorted(fromMan), sorted(fromTable));
    // And socwb-cli runs each of them (a command in the table but not dispatched would exit 2).
    for (const QString& c : fromTable) {
        run(QStringLiteral(SOCWB_CLI_PATH), {c, QStringLiteral("--help")}, &code);
        QVERIFY2(code == 0, qPrintable(c));
    }
}

void TestCliReference::optionsAndArgumentsAgree_data() {
    QTest::addColumn<QString>("command");
    for (const cli::CommandRef& c : cli::cliReference().commands) {
        QTest::newRow(c.name) << QString::fromLatin1(c.name);
    }
}

void TestCliReference::optionsAndArgumentsAgree() {
    QFETCH(QString, command);
    int code = -1;
    const QString help = run(QStringLiteral(SOCWB_CLI_PATH), {command, QStringLiteral("--help")}, &code);
    QCOMPARE(code, 0);
    QSet<QString> fromHelp = helpOptions(help);
    QVERIFY2(fromHelp.remove(QStringLiteral("help")), qPrintable(help)); // every command has --help
    const QString section = manSection(manSource(QStringLiteral("socwb-cli")), QStringLiteral(".SS ") + command);
    QVERIFY2(!section.isEmpty(), qPrintable(command));
    QCOMPARE(manOptions(section), fromHelp);
    QCOMPARE(manArguments(section), helpArguments(help));
}

void TestCliReference::exitCodesAgree() {
    const QString usage = run(QStringLiteral(SOCWB_CLI_PATH), {QStringLiteral("--help")});
    QSet<int> fromHelp;
    const QString block = usage.section(QStringLiteral("exit codes:\n"), 1).section(QStringLiteral("\n\n"), 0, 0);
    for (const QString& l : block.split(QLatin1Char('\n'), Qt::SkipEmptyParts)) {
        fromHelp << l.trimmed().section(QLatin1Char(' '), 0, 0).toInt();
    }
    QSet<int> fromMan;
    static const QRegularExpression re(QStringLiteral("^\\.B (\\d+)$"), QRegularExpression::MultilineOption);
    const QString section = manSection(manSource(QStringLiteral("socwb-cli")), QStringLiteral(".SH EXIT STATUS"));
    for (auto it = re.globalMatch(section); it.hasNext();) {
        fromMan << it.next().captured(1).toInt();
    }
    QCOMPARE(fromMan, fromHelp);
    QCOMPARE(fromHelp, (QSet<int>{0, 1, 2, 3, 4, 5, 6, 130}));
}

void TestCliReference::guiOptionsAgree() {
    int code = -1;
    QProcess p;
    const QString help = run(QStringLiteral(SOCWB_GUI_PATH), {QStringLiteral("--help")}, &code);
    QCOMPARE(code, 0);
    const QString man = manSource(QStringLiteral("socwb"));
    QVERIFY(!man.isEmpty());
    const QSet<QString> fromMan = manOptions(manSection(man, QStringLiteral(".SH OPTIONS")));
    QCOMPARE(fromMan, helpOptions(help));
    QVERIFY(fromMan.contains(QStringLiteral("screenshot")));
    QVERIFY(fromMan.contains(QStringLiteral("new-instance")));
    QCOMPARE(manArguments(manSection(man, QStringLiteral(".SH OPTIONS"))), helpArguments(help));
}

void TestCliReference::viewNamesAreTheWindows() {
    QCOMPARE(cli::valuesOf(cli::Values::View), MainWindow::viewNames()
                                                   << QStringLiteral("hunt") << QStringLiteral("sigma"));
}

void TestCliReference::manPagesRender_data() {
    QTest::addColumn<QString>("page");
    QTest::newRow("socwb-cli") << QStringLiteral("socwb-cli");
    QTest::newRow("socwb") << QStringLiteral("socwb");
}

void TestCliReference::manPagesRender() {
    QFETCH(QString, page);
    if (QStandardPaths::findExecutable(QStringLiteral("man")).isEmpty()) {
        QSKIP("man (man-db) is not installed");
    }
    QProcess man;
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.insert(QStringLiteral("MANWIDTH"), QStringLiteral("80"));
    man.setProcessEnvironment(env);
    man.start(QStringLiteral("man"), {QStringLiteral("--warnings"), QStringLiteral("-E"), QStringLiteral("UTF-8"),
                                      QStringLiteral("-l"), QStringLiteral(SOCWB_MAN_DIR "/%1.1").arg(page)});
    QVERIFY(man.waitForFinished(30000));
    const QString out = QString::fromUtf8(man.readAllStandardOutput());
    const QByteArray warnings = man.readAllStandardError();
    QVERIFY2(warnings.isEmpty(), warnings.constData());
    QCOMPARE(man.exitCode(), 0);
    QVERIFY(out.contains(QStringLiteral("EXIT STATUS")));
    QVERIFY(out.contains(QStringLiteral("ENVIRONMENT")));
    QVERIFY(out.contains(QStringLiteral("socwb " SOCWB_VERSION)));
    if (page == QLatin1String("socwb-cli")) {
        for (const FormatInfo& f : formats()) { // the FORMATS section lists the registry
            QVERIFY2(out.contains(QString::fromLatin1(f.name)), f.name);
        }
        // An option rendered as it is typed (a hyphen, not a Unicode minus or dash).
        QVERIFY(out.contains(QStringLiteral("--min-score")));
        // import names the SIEM's hunt results it takes back (issue 21), and the page says so.
        for (const cli::CommandRef& c : cli::cliReference().commands) {
            if (QLatin1String(c.name) == QLatin1String("import")) {
                QVERIFY(QString::fromUtf8(c.description).contains(QStringLiteral("format siem-results")));
            }
        }
        QVERIFY(out.simplified().contains(QStringLiteral("ES|QL, CSV or JSON")));
    }
}

void TestCliReference::completion_data() {
    QTest::addColumn<QStringList>("words");
    QTest::addColumn<QStringList>("expected");
    QStringList commands;
    for (const cli::CommandRef& c : cli::cliReference().commands) {
        commands << QString::fromLatin1(c.name);
    }
    QStringList formatNames;
    for (const FormatInfo& f : formats()) {
        formatNames << QString::fromLatin1(f.name);
    }
    QTest::newRow("commands") << QStringList{"socwb-cli", ""}
                              << sorted(commands + QStringList{"--verbose", "--version", "--help"});
    QTest::newRow("a command from its start") << QStringList{"socwb-cli", "im"} << QStringList{"import"};
    QTest::newRow("after --verbose") << QStringList{"socwb-cli", "--verbose", "sc"} << QStringList{"score"};
    QTest::newRow("import --format") << QStringList{"socwb-cli", "import", "c.socwb", "--format", ""}
                                     << sorted(formatNames);
    QTest::newRow("import --format z") << QStringList{"socwb-cli", "import", "--format", "zeek"}
                                       << QStringList{"zeek-conn", "zeek-dns", "zeek-http", "zeek-ssl"};
    QTest::newRow("import options") << QStringList{"socwb-cli", "import", "c.socwb", "--"}
                                    << sorted({"--help", "--format", "--tz", "--mapping", "--json", "--include",
                                               "--exclude"});
    QTest::newRow("alerts --format") << QStringList{"socwb-cli", "alerts", "c.socwb", "--format", ""}
                                     << QStringList{"csv", "json", "table"};
    QTest::newRow("suppress actions") << QStringList{"socwb-cli", "suppress", "c.socwb", ""}
                                      << QStringList{"add", "expire", "export", "import", "list"};
    QTest::newRow("case files and folders")
        << QStringList{"socwb-cli", "info", ""} << QStringList{"a.socwb", "b case.socwb", "sub"};
    QTest::newRow("a value does not count as the case")
        << QStringList{"socwb-cli", "import", "--format", "squid", ""} << QStringList{"a.socwb", "b case.socwb", "sub"};
    QTest::newRow("evidence files") << QStringList{"socwb-cli", "import", "a.socwb", ""}
                                    << QStringList{"a.socwb", "b case.socwb", "proxy.log", "sub"};
    QTest::newRow("more evidence files") << QStringList{"socwb-cli", "import", "a.socwb", "proxy.log", "p"}
                                         << QStringList{"proxy.log"};
    QTest::newRow("generator formats, a list")
        << QStringList{"socwb-cli", "generate", "out", "--formats", "squid,zeek-d"}
        << QStringList{"squid,zeek-dns", "squid,zeek-dns-json"};
}

void TestCliReference::completion() {
    QFETCH(QStringList, words);
    QFETCH(QStringList, expected);
    QTemporaryDir dir;
    for (const char* name : {"a.socwb", "b case.socwb", "proxy.log"}) {
        QFile f(dir.filePath(QString::fromLatin1(name)));
        QVERIFY(f.open(QIODevice::WriteOnly));
    }
    QVERIFY(QDir(dir.path()).mkdir(QStringLiteral("sub")));
    QCOMPARE(complete(words, dir.path()), expected);
}

QTEST_MAIN(TestCliReference)
#include "tst_cli_reference.moc"
