#include "server/config/config_layers.h"

#include <algorithm>
#include <cstdint>

#include "absl/flags/reflection.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"
#include "absl/time/time.h"

namespace roughtime::server {
namespace {

constexpr absl::string_view kKeySourceFlags[] = {"dev", "root_key",
                                                 "delegation"};

bool IsServerFlag(const absl::CommandLineFlag& flag) {
  return absl::StrContains(flag.Filename(), "src/server/") &&
         !flag.IsRetired();
}

template <typename... Ts>
bool IsOneOf(const absl::CommandLineFlag& flag) {
  return (flag.IsOfType<Ts>() || ...);
}

}  // namespace

absl::CommandLineFlag* FindServerFlag(absl::string_view name) {
  const std::string absl_name = absl::StrReplaceAll(name, {{"-", "_"}});
  absl::CommandLineFlag* flag = absl::FindCommandLineFlag(absl_name);
  if (flag == nullptr || !IsServerFlag(*flag)) return nullptr;
  return flag;
}

std::vector<absl::CommandLineFlag*> AllServerFlags() {
  std::vector<absl::CommandLineFlag*> flags;
  for (const auto& [name, flag] : absl::GetAllFlags()) {
    if (IsServerFlag(*flag)) {
      flags.push_back(const_cast<absl::CommandLineFlag*>(flag));
    }
  }
  std::sort(flags.begin(), flags.end(), [](const auto* a, const auto* b) {
    return a->Name() < b->Name();
  });
  return flags;
}

FlagKind KindOf(const absl::CommandLineFlag& flag) {
  if (flag.IsOfType<bool>()) return FlagKind::kBool;
  if (IsOneOf<short, unsigned short, int, unsigned, long, unsigned long,
              long long, unsigned long long>(flag)) {
    return FlagKind::kInteger;
  }
  if (IsOneOf<double, float>(flag)) return FlagKind::kFloat;
  if (flag.IsOfType<std::string>()) return FlagKind::kString;
  if (flag.IsOfType<std::vector<std::string>>()) return FlagKind::kList;
  if (flag.IsOfType<absl::Duration>()) return FlagKind::kDuration;
  return FlagKind::kOther;
}

bool IsCommandLineOnly(absl::string_view flag_name) {
  return flag_name == "config" || flag_name == "check_config";
}

bool IsKeySourceFlag(absl::string_view flag_name) {
  return std::find(std::begin(kKeySourceFlags), std::end(kKeySourceFlags),
                   flag_name) != std::end(kKeySourceFlags);
}

void ResetOtherKeySources(const std::set<std::string>& named) {
  const bool names_one =
      std::any_of(named.begin(), named.end(),
                  [](const std::string& n) { return IsKeySourceFlag(n); });
  if (!names_one) return;
  for (absl::string_view name : kKeySourceFlags) {
    if (named.count(std::string(name)) != 0) continue;
    absl::CommandLineFlag* flag = FindServerFlag(name);
    std::string ignored;
    if (flag != nullptr) flag->ParseFrom(flag->DefaultValue(), &ignored);
  }
}

absl::Status ApplyLayer(const std::vector<FlagSetting>& layer,
                        std::vector<std::string>* listen_values) {
  std::set<std::string> named;
  std::vector<std::string> listen;
  for (const FlagSetting& setting : layer) {
    absl::CommandLineFlag* flag = FindServerFlag(setting.flag);
    if (flag == nullptr || IsCommandLineOnly(flag->Name())) {
      return absl::InvalidArgumentError(
          absl::StrCat(setting.origin, ": no such setting"));
    }
    std::string error;
    if (!flag->ParseFrom(setting.value, &error)) {
      return absl::InvalidArgumentError(absl::StrCat(
          setting.origin, ": bad value '", setting.value, "': ", error));
    }
    named.insert(std::string(flag->Name()));
    if (flag->Name() == "listen") listen.push_back(setting.value);
  }
  ResetOtherKeySources(named);
  if (!listen.empty()) *listen_values = std::move(listen);
  return absl::OkStatus();
}

}  // namespace roughtime::server
