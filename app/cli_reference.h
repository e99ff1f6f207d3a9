// What the two programs take, said once: every subcommand, argument, option, exit code, file and
// environment variable of socwb-cli and socwb. The programs build their QCommandLineParser (and so
// their --help) from these tables, and socwb-doc writes the man pages and the bash completion from
// the same tables at build time, so the three cannot say different things (tst_cli_reference
// checks that they do not).
#pragma once

#include <QString>
#include <QStringList>

#include <map>
#include <vector>

class QCommandLineOption;
class QCommandLineParser;

namespace socwb::cli {

// What a value is, for the help text (lists known at run time), the man page and the completion.
enum class Values {
    Text,             // free text: nothing to complete
    CaseFile,         // a .socwb case file
    File,             // any file
    Directory,        // a folder
    InputFormat,      // a name from the format registry
    Scenario,         // a channel catalogue scenario name
    GeneratorFormats, // a comma-separated list of generator output formats
    View,             // a window view name
    Choice,           // one of the words in `choices`
};

struct OptionRef {
    const char* name;
    const char* valueName; // nullptr: a flag
    const char* help;
    Values values = Values::Text;
    const char* choices = nullptr; // space-separated, for Values::Choice
    const char* defaultValue = nullptr;
    bool required = false; // shown without brackets in the synopsis
};

struct ArgumentRef {
    const char* name;   // CASE
    const char* syntax; // as the synopsis shows it: CASE, FILE..., [ARG]
    const char* help;
    Values values = Values::Text;
    const char* choices = nullptr;
};

struct CommandRef {
    const char* name;        // "import"; the program's own name for a program without subcommands
    const char* summary;     // one line, for the command list
    const char* description; // a paragraph, for the command's --help and the man page
    std::vector<ArgumentRef> arguments;
    std::vector<OptionRef> options;
    int minArguments = 0;
    int maxArguments = 0; // -1: any number
};

struct ExitCodeRef {
    int code;
    const char* meaning;
};

struct EntryRef {
    const char* name; // a path or a variable
    const char* meaning;
};

struct ProgramRef {
    const char* name;
    const char* oneLine;     // the man page's NAME line
    const char* description; // paragraphs separated by blank lines
    std::vector<OptionRef> globalOptions;
    std::vector<CommandRef> commands; // empty for socwb: `self` is the whole interface
    CommandRef self;                  // socwb's arguments and options
    std::vector<ExitCodeRef> exitCodes;
    std::vector<EntryRef> files;
    std::vector<EntryRef> environment;
    const char* seeAlso;
};

const ProgramRef& cliReference();
const ProgramRef& guiReference();
// A program's global option of that name (aborts when there is none).
const OptionRef& globalOption(const ProgramRef& program, const char* name);
// The command of that name (a programming error, reported and aborted, when there is none).
const CommandRef& command(const QString& name);

// The names a value can take where they are known (formats, scenarios, views, choices).
QStringList valuesOf(Values values, const char* choices = nullptr);
// An option's help as --help and the man page show it: the table's text, plus the known values
// where they come from elsewhere (the scenario catalogue, the generator's formats, the views).
QString helpFor(const OptionRef& option);
// "import CASE FILE... [--format F] [--tz ZONE] ...": a command's synopsis.
QString synopsis(const CommandRef& command);
// socwb-cli --help: the command list and the exit codes.
QString usageText();

// Adds a command's arguments and options to a parser and returns its options by name.
class ParserOptions {
  public:
    const QCommandLineOption& operator[](const char* name) const;

  private:
    friend ParserOptions addToParser(QCommandLineParser& parser, const CommandRef& command);
    std::map<QString, QCommandLineOption> options_;
};
ParserOptions addToParser(QCommandLineParser& parser, const CommandRef& command);

} // namespace socwb::cli
