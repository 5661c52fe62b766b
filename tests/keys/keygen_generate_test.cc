// roughtime-keygen generate / public / inspect (root keys), run as a real
// process on real files.
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "roughtime/bytes.h"
#include "roughtime/crypto.h"
#include "roughtime/keyfile.h"
#include "support/files.h"
#include "support/keygen.h"
#include "support/temp_dir.h"

namespace roughtime::testing {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;

// The public key lines a command printed must be those of `seed`.
void ExpectPublicKeyOf(const Seed& seed, const std::string& out) {
  const PublicKey pub = SigningKey::FromSeed(seed).public_key();
  EXPECT_EQ(ValueAfter(out, "public key (base64)"), Base64Encode(pub)) << out;
  EXPECT_EQ(ValueAfter(out, "public key (hex)"), HexEncode(pub)) << out;
  EXPECT_EQ(ValueAfter(out, "SRV (hex)"), HexEncode(ComputeSrv(pub))) << out;
}

TEST(KeygenGenerateTest, WritesA0600HexKeyAndPrintsItsPublicKey) {
  TempDir dir;
  const std::string path = dir.File("root.key");
  const ProgramResult r = RunKeygen({"generate", "--out", path});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.err, "");
  EXPECT_EQ(FileMode(path), 0600);
  EXPECT_THAT(ReadFile(path), ::testing::MatchesRegex("[0-9a-f]{64}\n"));
  EXPECT_THAT(ListDir(dir.path()), ElementsAre("root.key"));
  absl::StatusOr<Seed> seed = ReadSeedFile(path);
  ASSERT_TRUE(seed.ok()) << seed.status();
  ExpectPublicKeyOf(*seed, r.out);
}

TEST(KeygenGenerateTest, DefaultOutputIsKeysRootKeyUnderTheWorkingDirectory) {
  TempDir dir;
  ASSERT_EQ(mkdir(dir.File("keys").c_str(), 0700), 0);
  RunOptions options;
  options.cwd = dir.path();
  const ProgramResult r = RunKeygen({"generate"}, options);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(FileMode(dir.File("keys/root.key")), 0600);
  EXPECT_THAT(r.out, HasSubstr("keys/root.key"));
}

TEST(KeygenGenerateTest, EveryKeyIsNew) {
  TempDir dir;
  ASSERT_EQ(RunKeygen({"generate", "--out", dir.File("a")}).exit_code, 0);
  ASSERT_EQ(RunKeygen({"generate", "--out", dir.File("b")}).exit_code, 0);
  EXPECT_NE(ReadFile(dir.File("a")), ReadFile(dir.File("b")));
}

TEST(KeygenGenerateTest, RefusesToOverwriteWithoutForce) {
  TempDir dir;
  const std::string path = dir.File("root.key");
  ASSERT_EQ(RunKeygen({"generate", "--out", path}).exit_code, 0);
  const std::string before = ReadFile(path);
  const ProgramResult r = RunKeygen({"generate", "--out", path});
  ExpectOneLineError(r, 1, "already exists");
  EXPECT_THAT(r.err, HasSubstr("--force"));
  EXPECT_EQ(r.out, "");
  EXPECT_EQ(ReadFile(path), before);
  EXPECT_THAT(ListDir(dir.path()), ElementsAre("root.key"));
}

TEST(KeygenGenerateTest, ForceReplacesAndRestoresMode0600) {
  TempDir dir;
  const std::string path = dir.File("root.key");
  WriteFile(path, "old contents\n", 0644);
  const ProgramResult r = RunKeygen({"generate", "--out", path, "--force"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(ReadFile(path), "old contents\n");
  EXPECT_EQ(FileMode(path), 0600);
  EXPECT_THAT(ListDir(dir.path()), ElementsAre("root.key"));
}

TEST(KeygenGenerateTest, ParentThatIsARegularFileFailsCleanly) {
  TempDir dir;
  WriteFile(dir.File("not-a-dir"), "x", 0600);
  const ProgramResult r =
      RunKeygen({"generate", "--out", dir.File("not-a-dir/root.key")});
  ExpectOneLineError(r, 1, "Not a directory");
  EXPECT_EQ(r.out, "");
  EXPECT_THAT(ListDir(dir.path()), ElementsAre("not-a-dir"));
  EXPECT_EQ(ReadFile(dir.File("not-a-dir")), "x");
}

TEST(KeygenGenerateTest, MissingDirectoryFailsCleanly) {
  TempDir dir;
  const ProgramResult r =
      RunKeygen({"generate", "--out", dir.File("missing/root.key")});
  ExpectOneLineError(r, 1, "No such file or directory");
  EXPECT_THAT(ListDir(dir.path()), IsEmpty());
}

TEST(KeygenGenerateTest, UnwritableSystemDirectoryFailsCleanly) {
  // Tests run as root, which ignores permission bits; /proc refuses new
  // files even to root. Check that first, so the test proves something.
  const std::string path = "/proc/roughtime-keygen-test.key";
  const int fd = open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL, 0600);
  ASSERT_LT(fd, 0) << "this test needs a directory we cannot write to";
  const std::vector<std::string> before = ListDir("/proc");
  const ProgramResult r = RunKeygen({"generate", "--out", path});
  ExpectOneLineError(r, 1, "cannot create /proc/roughtime-keygen-test.key");
  EXPECT_EQ(r.out, "");
  for (const std::string& name : ListDir("/proc")) {
    EXPECT_EQ(name.find("roughtime-keygen-test"), std::string::npos) << name;
  }
}

TEST(KeygenGenerateTest, WriteFailureHalfwayLeavesNoPartialFile) {
  TempDir dir;
  RunOptions options;
  options.file_size_limit = 10;  // the 65-byte key cannot be written
  const ProgramResult r =
      RunKeygen({"generate", "--out", dir.File("root.key")}, options);
  ExpectOneLineError(r, 1, "File too large");
  EXPECT_THAT(ListDir(dir.path()), IsEmpty());
}

TEST(KeygenGenerateTest, UsageErrorsExitWithStatus2) {
  TempDir dir;
  ExpectOneLineError(RunKeygen({"generate", "extra"}), 2, "no arguments");
  ExpectOneLineError(RunKeygen({"generate", "--bogus"}), 2,
                     "unknown option --bogus");
  ExpectOneLineError(RunKeygen({"generate", "--out"}), 2, "needs a value");
  ExpectOneLineError(RunKeygen({"generate", "--root", "x"}), 2,
                     "unknown option --root");
  ExpectOneLineError(RunKeygen({"frobnicate"}), 2, "unknown command");
  ExpectOneLineError(RunKeygen({}), 2, "missing command");
  EXPECT_THAT(ListDir(dir.path()), IsEmpty());
}

TEST(KeygenGenerateTest, HelpListsEveryCommand) {
  const ProgramResult r = RunKeygen({"help"});
  EXPECT_EQ(r.exit_code, 0);
  for (const char* command :
       {"generate", "public", "delegate", "inspect", "server-entry"}) {
    EXPECT_THAT(r.out, HasSubstr(std::string("roughtime-keygen ") + command));
  }
  const ProgramResult sub = RunKeygen({"delegate", "--help"});
  EXPECT_EQ(sub.exit_code, 0);
  EXPECT_THAT(sub.out, HasSubstr("--not-before"));
}

TEST(KeygenPublicTest, ShowsThePublicKeyOfEveryKeyFileForm) {
  TempDir dir;
  Seed seed;
  RandomBytes(MutableByteSpan(seed.data(), seed.size()));
  seed[0] = 0xff;  // never all printable: the raw form stays raw
  const std::vector<std::string> forms = {
      std::string(reinterpret_cast<const char*>(seed.data()), seed.size()),
      HexEncode(seed) + "\n", Base64Encode(seed) + "\n"};
  for (size_t i = 0; i < forms.size(); ++i) {
    const std::string path = dir.File("k" + std::to_string(i));
    WriteFile(path, forms[i], 0600);
    const ProgramResult r = RunKeygen({"public", path});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    ExpectPublicKeyOf(seed, r.out);
    const ProgramResult inspect = RunKeygen({"inspect", path});
    ASSERT_EQ(inspect.exit_code, 0) << inspect.err;
    EXPECT_THAT(inspect.out, HasSubstr("type: root key"));
    ExpectPublicKeyOf(seed, inspect.out);
  }
}

TEST(KeygenPublicTest, MatchesWhatGeneratePrinted) {
  TempDir dir;
  const std::string path = dir.File("root.key");
  const ProgramResult g = RunKeygen({"generate", "--out", path});
  ASSERT_EQ(g.exit_code, 0);
  const ProgramResult p = RunKeygen({"public", path});
  ASSERT_EQ(p.exit_code, 0);
  EXPECT_EQ(p.out.substr(p.out.find("public key")),
            g.out.substr(g.out.find("public key")));
}

TEST(KeygenPublicTest, RefusesGroupOrWorldReadableKeys) {
  TempDir dir;
  const std::string path = dir.File("root.key");
  ASSERT_EQ(RunKeygen({"generate", "--out", path}).exit_code, 0);
  for (int mode : {0640, 0644, 0604, 0660}) {
    ASSERT_EQ(chmod(path.c_str(), static_cast<mode_t>(mode)), 0);
    const ProgramResult r = RunKeygen({"public", path});
    ExpectOneLineError(r, 1, "chmod 600 " + path);
    EXPECT_EQ(r.out, "");
    ExpectOneLineError(RunKeygen({"inspect", path}), 1, "chmod 600 " + path);
  }
}

TEST(KeygenPublicTest, RefusesSymlinksTruncatedAndGarbageKeys) {
  TempDir dir;
  const std::string good = dir.File("root.key");
  ASSERT_EQ(RunKeygen({"generate", "--out", good}).exit_code, 0);
  const std::string hex = ReadFile(good);
  ASSERT_EQ(symlink(good.c_str(), dir.File("link.key").c_str()), 0);
  ExpectOneLineError(RunKeygen({"public", dir.File("link.key")}), 1,
                     "symbolic link");
  WriteFile(dir.File("short.key"), hex.substr(0, 40), 0600);
  ExpectOneLineError(RunKeygen({"public", dir.File("short.key")}), 1,
                     "truncated: 40 hex digits");
  WriteFile(dir.File("junk.key"), "hello, I am not a key\n", 0600);
  ExpectOneLineError(RunKeygen({"public", dir.File("junk.key")}), 1,
                     "is not a key");
  WriteFile(dir.File("empty.key"), "", 0600);
  ExpectOneLineError(RunKeygen({"public", dir.File("empty.key")}), 1,
                     "is empty");
  ExpectOneLineError(RunKeygen({"public", dir.File("absent.key")}), 1,
                     "No such file");
  ExpectOneLineError(RunKeygen({"public"}), 2, "exactly one KEYFILE");
  ExpectOneLineError(RunKeygen({"public", good, good}), 2,
                     "exactly one KEYFILE");
}

}  // namespace
}  // namespace roughtime::testing
