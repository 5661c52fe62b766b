// What the packaging tests compare: the flags a program's --help lists, the
// flags a man page source documents, and what a bash completion offers.
#ifndef ROUGHTIME_TESTS_PACKAGING_HELP_FLAGS_H_
#define ROUGHTIME_TESTS_PACKAGING_HELP_FLAGS_H_

#include <set>
#include <string>
#include <vector>

namespace roughtime::testing {

// Every "--name" token in `text` ("--flag=x" gives "--flag").
std::set<std::string> FlagTokens(const std::string& text);

// The first capture group of `line_pattern` for every line of `text` it
// matches (std::regex syntax, searched within each line).
std::set<std::string> LineCaptures(const std::string& text,
                                   const std::string& line_pattern);

// roughtimed's flags: the "  --name (default: ...)" lines of its --help.
std::set<std::string> ServerHelpFlags(const std::string& help);

// The flags a scdoc man page documents as option headings: lines starting
// with "*--" ("*--radius* _DURATION_ (default: 5s)", or two on one line
// "*--not-before* _T_, *--not-after* _T_"). Scdoc escapes (\_) are undone.
std::set<std::string> ManPageOptionHeadings(const std::string& scd);

// The words a bash completion function offers: sources `completion_file`
// in a clean bash, sets COMP_WORDS to `words` (words[0] is the program
// path) and COMP_CWORD to the last word, calls `function` and returns
// COMPREPLY. An empty set on any failure (the test then fails on content).
std::set<std::string> Complete(const std::string& completion_file,
                               const std::string& function,
                               const std::vector<std::string>& words);

// The output of `argv` (stdout), failing the calling test unless it exits 0.
std::string OutputOf(const std::vector<std::string>& argv);

}  // namespace roughtime::testing

#endif  // ROUGHTIME_TESTS_PACKAGING_HELP_FLAGS_H_
