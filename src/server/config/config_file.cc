#include "server/config/config_file.h"

#include <errno.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cstring>
#include <map>
#include <optional>
#include <utility>

namespace roughtime::server::toml_guard {
// Set when toml++ fails one of its internal checks (see below).
inline thread_local bool check_failed = false;
}  // namespace roughtime::server::toml_guard

// toml++ is used header-only and without exceptions (errors come back as a
// parse_result), so nothing here throws; the meson dependency passes only
// its include directory, not the shared-library defines.
// toml++ 3.3.0 has inputs that break its internal assertions (found by
// tests/fuzz/config_fuzzer.cc): with assert() they abort the server, and
// under NDEBUG they become compiler assumptions (undefined behaviour). So
// its assertions only record the failure, whatever NDEBUG says, and a parse
// during which one failed is refused (ParseConfigToml).
#define TOML_EXCEPTIONS 0
#define TOML_ENABLE_FORMATTERS 0
#pragma push_macro("NDEBUG")
#undef NDEBUG
#define TOML_ASSERT(expr)                                            \
  static_cast<void>((expr) ? 0                                       \
                           : (::roughtime::server::toml_guard::      \
                                  check_failed = true,               \
                              0))
#include <toml++/toml.h>
#pragma pop_macro("NDEBUG")

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_replace.h"
#include "roughtime/bytes.h"

namespace roughtime::server {
namespace {

const char* TypeName(toml::node_type type) {
  switch (type) {
    case toml::node_type::table: return "a table";
    case toml::node_type::array: return "an array";
    case toml::node_type::string: return "a string";
    case toml::node_type::integer: return "an integer";
    case toml::node_type::floating_point: return "a float";
    case toml::node_type::boolean: return "a boolean";
    case toml::node_type::date: return "a date";
    case toml::node_type::time: return "a time";
    case toml::node_type::date_time: return "a date-time";
    default: return "nothing";
  }
}

// What the documentation calls each kind of flag value.
const char* Wanted(FlagKind kind) {
  switch (kind) {
    case FlagKind::kBool: return "a boolean (true or false)";
    case FlagKind::kInteger: return "an integer";
    case FlagKind::kFloat: return "a number";
    case FlagKind::kString: return "a string";
    case FlagKind::kList: return "a string or an array of strings";
    case FlagKind::kDuration: return "a duration string such as \"5s\"";
    case FlagKind::kOther: return "a string";
  }
  return "a string";
}

std::string FormatDouble(double d) { return absl::StrFormat("%.17g", d); }

// The text a scalar TOML value stands for, when `kind` accepts its type.
std::optional<std::string> ScalarText(const toml::node& node, FlagKind kind) {
  const toml::node_type type = node.type();
  switch (kind) {
    case FlagKind::kBool:
      if (type != toml::node_type::boolean) return std::nullopt;
      return std::string(*node.value<bool>() ? "true" : "false");
    case FlagKind::kInteger:
      if (type != toml::node_type::integer) return std::nullopt;
      return absl::StrCat(*node.value<int64_t>());
    case FlagKind::kFloat:
      if (type == toml::node_type::integer) {
        return absl::StrCat(*node.value<int64_t>());
      }
      if (type != toml::node_type::floating_point) return std::nullopt;
      return FormatDouble(*node.value<double>());
    case FlagKind::kString:
    case FlagKind::kList:
    case FlagKind::kDuration:
      if (type != toml::node_type::string) return std::nullopt;
      return std::string(node.as_string()->get());
    case FlagKind::kOther:
      // A flag type this code does not know: its own parser decides.
      switch (type) {
        case toml::node_type::string:
          return std::string(node.as_string()->get());
        case toml::node_type::integer:
          return absl::StrCat(*node.value<int64_t>());
        case toml::node_type::floating_point:
          return FormatDouble(*node.value<double>());
        case toml::node_type::boolean:
          return std::string(*node.value<bool>() ? "true" : "false");
        default:
          return std::nullopt;
      }
  }
  return std::nullopt;
}

// The flag text for `node`, or an error (without location) saying why not.
absl::StatusOr<std::string> ValueText(const toml::node& node, FlagKind kind) {
  if (const toml::array* array = node.as_array();
      array != nullptr && kind == FlagKind::kList) {
    std::vector<std::string> items;
    for (const toml::node& item : *array) {
      if (item.type() != toml::node_type::string) {
        return absl::InvalidArgumentError(
            absl::StrCat("array items must be strings, not ",
                         TypeName(item.type())));
      }
      items.emplace_back(item.as_string()->get());
    }
    return absl::StrJoin(items, ",");
  }
  std::optional<std::string> text = ScalarText(node, kind);
  if (!text.has_value()) {
    return absl::InvalidArgumentError(absl::StrCat(
        "must be ", Wanted(kind), ", not ", TypeName(node.type())));
  }
  return *std::move(text);
}

std::string Where(const std::string& path, const toml::source_region& at) {
  return absl::StrCat(path, ":", at.begin.line);
}

// The line (from 1) of the first byte that is not ASCII. Such files are
// refused: toml++ 3.3.0 reaches __builtin_unreachable() (undefined
// behaviour) when it checks some non-ASCII characters for whitespace, e.g.
// U+00A1..U+0499 at the start of a line (found by config_fuzzer.cc). Every
// roughtimed value is ASCII; a non-ASCII path can be given as a flag.
std::optional<size_t> FirstNonAsciiLine(std::string_view text) {
  size_t line = 1;
  for (char c : text) {
    if (c == '\n') ++line;
    if (static_cast<unsigned char>(c) >= 0x80) return line;
  }
  return std::nullopt;
}

// The line (from 1) of the first table header: a line whose first character
// after spaces and tabs is '['. A value never starts a line that way, except
// an array nested in a multi-line array or a line of a multi-line string,
// neither of which any roughtimed flag takes.
// Tables are refused before toml++ sees them because toml++ 3.3.0 fails an
// assertion (abort; undefined behaviour under NDEBUG) on a header whose key
// starts with a character no key can start with, such as "[#]" (found by
// tests/fuzz/config_fuzzer.cc).
std::optional<size_t> FirstTableHeaderLine(std::string_view text) {
  size_t line = 1;
  bool at_line_start = true;
  for (char c : text) {
    if (c == '\n') {
      ++line;
      at_line_start = true;
    } else if (at_line_start && c == '[') {
      return line;
    } else if (c != ' ' && c != '\t') {
      at_line_start = false;
    }
  }
  return std::nullopt;
}

}  // namespace

absl::StatusOr<std::vector<FlagSetting>> ParseConfigToml(
    std::string_view text, const std::string& path) {
  if (std::optional<size_t> line = FirstNonAsciiLine(text)) {
    return absl::InvalidArgumentError(absl::StrCat(
        path, ":", *line, ": not ASCII (the configuration file must be "
        "ASCII, comments included)"));
  }
  if (std::optional<size_t> line = FirstTableHeaderLine(text)) {
    return absl::InvalidArgumentError(absl::StrCat(
        path, ":", *line, ": tables ([...] lines) are not used; write every "
        "setting at the top level"));
  }
  toml_guard::check_failed = false;
  toml::parse_result parsed = toml::parse(text, std::string_view(path));
  if (!parsed) {
    const toml::parse_error& error = parsed.error();
    return absl::InvalidArgumentError(
        absl::StrCat(Where(path, error.source()), ": not valid TOML: ",
                     AbslView(error.description())));
  }
  if (toml_guard::check_failed) {
    return absl::InvalidArgumentError(absl::StrCat(
        path, ": not valid TOML (the parser failed an internal check)"));
  }
  std::vector<FlagSetting> settings;
  std::map<std::string, std::string> seen;  // flag -> where it was set
  // toml++ keeps a table sorted by key; report problems in file order.
  std::vector<std::pair<const toml::key*, const toml::node*>> entries;
  for (const auto& [key, node] : parsed.table()) {
    entries.emplace_back(&key, &node);
  }
  std::stable_sort(entries.begin(), entries.end(), [](auto& a, auto& b) {
    return a.first->source().begin.line < b.first->source().begin.line;
  });
  for (const auto& [key_ptr, node_ptr] : entries) {
    const toml::key& key = *key_ptr;
    const toml::node& node = *node_ptr;
    const std::string name(key.str());
    const std::string where = Where(path, key.source());
    if (node.is_table()) {  // an inline table: key = { ... }
      return absl::InvalidArgumentError(absl::StrCat(
          where, ": key '", name, "': tables are not used; write every "
          "setting at the top level"));
    }
    absl::CommandLineFlag* flag = FindServerFlag(name);
    if (flag == nullptr) {
      return absl::InvalidArgumentError(absl::StrCat(
          where, ": unknown key '", name, "' (roughtimed has no --",
          absl::StrReplaceAll(name, {{"_", "-"}}), "; see --help)"));
    }
    const std::string flag_name(flag->Name());
    if (IsCommandLineOnly(flag_name)) {
      return absl::InvalidArgumentError(absl::StrCat(
          where, ": key '", name, "' can only be given on the command line"));
    }
    if (auto [it, fresh] = seen.emplace(flag_name, where); !fresh) {
      return absl::InvalidArgumentError(absl::StrCat(
          where, ": key '", name, "' sets --",
          absl::StrReplaceAll(flag_name, {{"_", "-"}}),
          " again (first set at ", it->second, ")"));
    }
    absl::StatusOr<std::string> value = ValueText(node, KindOf(*flag));
    if (!value.ok()) {
      return absl::InvalidArgumentError(
          absl::StrCat(where, ": key '", name, "' ", value.status().message()));
    }
    settings.push_back(FlagSetting{flag_name, *std::move(value),
                                   absl::StrCat(where, ": key '", name, "'")});
  }
  return settings;
}

absl::StatusOr<std::vector<FlagSetting>> ReadConfigFile(
    const std::string& path) {
  // O_NONBLOCK: a FIFO or device given by mistake must not hang the start.
  const int fd = open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NONBLOCK);
  if (fd < 0) {
    return absl::NotFoundError(absl::StrCat(
        "cannot read configuration file ", path, ": ", std::strerror(errno)));
  }
  struct stat st;
  if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
    close(fd);
    return absl::InvalidArgumentError(
        absl::StrCat("configuration file ", path, " is not a regular file"));
  }
  std::string text;
  char buffer[16384];
  ssize_t n;
  while ((n = read(fd, buffer, sizeof(buffer))) > 0 &&
         text.size() <= kMaxConfigFileSize) {
    text.append(buffer, static_cast<size_t>(n));
  }
  const int read_errno = errno;
  close(fd);
  if (n < 0) {
    return absl::UnavailableError(absl::StrCat(
        "cannot read configuration file ", path, ": ",
        std::strerror(read_errno)));
  }
  if (text.size() > kMaxConfigFileSize) {
    return absl::InvalidArgumentError(absl::StrCat(
        "configuration file ", path, " is larger than ", kMaxConfigFileSize,
        " bytes"));
  }
  return ParseConfigToml(text, path);
}

}  // namespace roughtime::server
