#include "client/malfeasance_report.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>

#include "absl/strings/str_cat.h"
#include "nlohmann/json.hpp"

namespace roughtime::client {
namespace {

using nlohmann::ordered_json;

absl::StatusOr<Bytes> DecodeField(const ordered_json& entry,
                                  const std::string& where,
                                  const char* field) {
  auto it = entry.find(field);
  if (it == entry.end() || !it->is_string()) {
    return absl::InvalidArgumentError(
        absl::StrCat(where, ": no string \"", field, "\""));
  }
  absl::StatusOr<Bytes> bytes = Base64Decode(it->get<std::string>());
  if (!bytes.ok()) {
    return absl::InvalidArgumentError(
        absl::StrCat(where, ".", field, ": not base64"));
  }
  return bytes;
}

}  // namespace

std::string EncodeReport(const std::vector<ReportEntry>& entries) {
  ordered_json list = ordered_json::array();
  for (const ReportEntry& e : entries) {
    ordered_json item = ordered_json::object();
    if (e.rand.has_value()) item["rand"] = Base64Encode(*e.rand);
    item["publicKey"] = Base64Encode(e.public_key);
    item["request"] = Base64Encode(e.request);
    item["response"] = Base64Encode(e.response);
    list.push_back(std::move(item));
  }
  ordered_json doc = ordered_json::object();
  doc["responses"] = std::move(list);
  return doc.dump(2) + "\n";
}

absl::StatusOr<std::vector<ReportEntry>> ParseReport(absl::string_view json) {
  ordered_json doc = ordered_json::parse(json, nullptr, false);
  if (doc.is_discarded()) {
    return absl::InvalidArgumentError("not JSON");
  }
  if (!doc.is_object() || !doc.contains("responses") ||
      !doc["responses"].is_array()) {
    return absl::InvalidArgumentError("no \"responses\" array");
  }
  const ordered_json& list = doc["responses"];
  if (list.empty()) {
    return absl::InvalidArgumentError("\"responses\" is empty");
  }
  std::vector<ReportEntry> out;
  for (size_t i = 0; i < list.size(); ++i) {
    std::string where = absl::StrCat("responses[", i, "]");
    if (!list[i].is_object()) {
      return absl::InvalidArgumentError(absl::StrCat(where, ": not an object"));
    }
    ReportEntry e;
    for (auto [field, slot] :
         {std::pair{"publicKey", &e.public_key},
          std::pair{"request", &e.request}, std::pair{"response", &e.response}}) {
      absl::StatusOr<Bytes> b = DecodeField(list[i], where, field);
      if (!b.ok()) return b.status();
      *slot = *std::move(b);
    }
    if (list[i].contains("rand")) {
      absl::StatusOr<Bytes> r = DecodeField(list[i], where, "rand");
      if (!r.ok()) return r.status();
      e.rand = *std::move(r);
    }
    out.push_back(std::move(e));
  }
  return out;
}

absl::StatusOr<std::vector<ReportEntry>> ReadReport(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    return absl::NotFoundError(absl::StrCat(path, ": cannot read the report"));
  }
  std::stringstream text;
  text << in.rdbuf();
  absl::StatusOr<std::vector<ReportEntry>> r = ParseReport(text.str());
  if (!r.ok()) {
    return absl::Status(r.status().code(),
                        absl::StrCat(path, ": ", r.status().message()));
  }
  return r;
}

absl::Status WriteNewFile(const std::string& path, absl::string_view contents) {
  std::string tmp = path + ".tmpXXXXXX";
  int fd = mkstemp(tmp.data());
  if (fd < 0) {
    return absl::UnavailableError(absl::StrCat(
        path, ": cannot create a temporary file: ", std::strerror(errno)));
  }
  // Reports are public evidence, not secrets: readable by everyone.
  fchmod(fd, 0644);
  size_t done = 0;
  bool ok = true;
  while (ok && done < contents.size()) {
    ssize_t n = write(fd, contents.data() + done, contents.size() - done);
    if (n < 0 && errno == EINTR) continue;
    ok = n > 0;
    if (ok) done += static_cast<size_t>(n);
  }
  ok = ok && fsync(fd) == 0;
  int write_errno = errno;
  close(fd);
  if (!ok) {
    unlink(tmp.c_str());
    return absl::UnavailableError(
        absl::StrCat(path, ": cannot write: ", std::strerror(write_errno)));
  }
  int rc = link(tmp.c_str(), path.c_str());
  int link_errno = errno;
  unlink(tmp.c_str());
  if (rc != 0) {
    if (link_errno == EEXIST) {
      return absl::AlreadyExistsError(
          absl::StrCat(path, ": already exists; not overwriting it"));
    }
    return absl::UnavailableError(
        absl::StrCat(path, ": cannot write: ", std::strerror(link_errno)));
  }
  return absl::OkStatus();
}

}  // namespace roughtime::client
