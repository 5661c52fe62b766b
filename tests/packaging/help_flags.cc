#include "help_flags.h"

#include <regex>
#include <sstream>

#include "absl/strings/str_replace.h"
#include "absl/strings/str_split.h"
#include "absl/time/time.h"
#include "gtest/gtest.h"
#include "support/run_program.h"

namespace roughtime::testing {

std::set<std::string> FlagTokens(const std::string& text) {
  static const std::regex kFlag("(^|[^a-zA-Z0-9-])(--[a-z][a-z0-9-]*)");
  std::set<std::string> out;
  for (auto it = std::sregex_iterator(text.begin(), text.end(), kFlag);
       it != std::sregex_iterator(); ++it) {
    out.insert((*it)[2].str());
  }
  return out;
}

std::set<std::string> LineCaptures(const std::string& text,
                                   const std::string& line_pattern) {
  const std::regex pattern(line_pattern);
  std::set<std::string> out;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) {
    std::smatch m;
    if (std::regex_search(line, m, pattern)) out.insert(m[1].str());
  }
  return out;
}

std::set<std::string> ServerHelpFlags(const std::string& help) {
  return LineCaptures(help, "^  (--[a-z0-9-]+) \\(default:");
}

std::set<std::string> ManPageOptionHeadings(const std::string& scd) {
  static const std::regex kHeading("\\*(--[a-z0-9-]+)\\*");
  std::set<std::string> out;
  std::istringstream in(absl::StrReplaceAll(scd, {{"\\_", "_"}}));
  for (std::string line; std::getline(in, line);) {
    if (line.rfind("*--", 0) != 0) continue;
    for (auto it = std::sregex_iterator(line.begin(), line.end(), kHeading);
         it != std::sregex_iterator(); ++it) {
      out.insert((*it)[1].str());
    }
  }
  return out;
}

std::set<std::string> Complete(const std::string& completion_file,
                               const std::string& function,
                               const std::vector<std::string>& words) {
  // Positional parameters: $1 file, $2 function, $3.. the words.
  const std::string script =
      "source \"$1\" || exit 3\n"
      "fn=$2; shift 2\n"
      "COMP_WORDS=(\"$@\"); COMP_CWORD=$(( $# - 1 ))\n"
      "COMP_LINE=\"$*\"; COMP_POINT=${#COMP_LINE}\n"
      "cur=${COMP_WORDS[COMP_CWORD]}; prev=${COMP_WORDS[COMP_CWORD-1]}\n"
      "\"$fn\" \"${COMP_WORDS[0]}\" \"$cur\" \"$prev\" 2>/dev/null\n"
      "printf '%s\\n' \"${COMPREPLY[@]}\"\n";
  std::vector<std::string> argv = {"/bin/bash", "--norc", "--noprofile",
                                   "-c", script, "bash", completion_file,
                                   function};
  argv.insert(argv.end(), words.begin(), words.end());
  const ProgramResult r = RunProgram(argv);
  EXPECT_EQ(r.exit_code, 0) << r.err;
  std::set<std::string> out;
  for (absl::string_view w : absl::StrSplit(r.out, '\n', absl::SkipEmpty())) {
    out.insert(std::string(w));
  }
  return out;
}

std::string OutputOf(const std::vector<std::string>& argv) {
  const ProgramResult r = RunProgram(argv);
  EXPECT_EQ(r.exit_code, 0) << argv[0] << ": " << r.err;
  return r.out;
}

}  // namespace roughtime::testing
