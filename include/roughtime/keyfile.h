// Key and delegation files on disk. Private material is written atomically
// (temporary file, fsync, rename) with mode 0600, never over an existing
// file unless asked, and refused on reading when the file is a symlink or
// readable by group or others. Formats: docs/KEYS.md.
#ifndef ROUGHTIME_KEYFILE_H_
#define ROUGHTIME_KEYFILE_H_

#include <string>
#include <string_view>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "roughtime/bytes.h"
#include "roughtime/certificate.h"
#include "roughtime/crypto.h"

namespace roughtime {

// Writes `contents` to `path` atomically with `mode`. Fails with
// AlreadyExists if the file exists and `overwrite` is false; leaves no
// partial or temporary file behind on any failure.
absl::Status WriteFileAtomically(const std::string& path,
                                 std::string_view contents, int mode,
                                 bool overwrite);

// Reads a root key seed: 32 raw bytes, 64 hex digits or base64 of 32 bytes
// (whitespace around text ignored). Refuses symlinks and files with any
// group/other permission bits.
absl::StatusOr<Seed> ReadSeedFile(const std::string& path);
// Writes the seed as hex text with mode 0600.
absl::Status WriteSeedFile(const std::string& path, const Seed& seed,
                           bool overwrite);

// A delegation file holds the online key and the CERTs signed by the root
// key, so a server can run without the root key. Same permission rules.
absl::StatusOr<OnlineIdentity> ReadDelegationFile(const std::string& path);
absl::Status WriteDelegationFile(const std::string& path,
                                 const OnlineIdentity& identity,
                                 bool overwrite);

}  // namespace roughtime

#endif  // ROUGHTIME_KEYFILE_H_
