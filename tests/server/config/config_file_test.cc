// The TOML configuration file and the ROUGHTIMED_* environment, in process:
// every value type reaches the ServerConfig, every kind of mistake is an
// error naming the file, line and key (or the variable), and the layers
// override each other as documented: defaults < file < environment <
// command line. The real binary is exercised in config_cli_test.cc.
#include <stdlib.h>
#include <sys/stat.h>

#include <algorithm>
#include <fstream>
#include <string>
#include <vector>

#include "absl/flags/reflection.h"
#include "absl/strings/match.h"
#include "absl/strings/str_replace.h"
#include "gtest/gtest.h"
#include "server/config/command_line.h"
#include "server/config/config_env.h"
#include "server/config/config_file.h"
#include "server/config/config_layers.h"
#include "server/config/server_config.h"
#include "shared_support.h"

namespace roughtime::server {
namespace {

using ::roughtime::server::testing::TempDir;

class ConfigFileTest : public ::testing::Test {
 protected:
  // Parses `toml` as the file "test.toml", applies it and builds the config.
  absl::StatusOr<ServerConfig> FromToml(const std::string& toml) {
    absl::StatusOr<std::vector<FlagSetting>> settings =
        ParseConfigToml(toml, "test.toml");
    if (!settings.ok()) return settings.status();
    std::vector<std::string> listen;
    if (absl::Status s = ApplyLayer(*settings, &listen); !s.ok()) return s;
    return ConfigFromFlags(listen);
  }

  // The error message of FromToml(toml); fails the test when it succeeds.
  std::string ErrorOf(const std::string& toml) {
    absl::StatusOr<ServerConfig> c = FromToml(toml);
    EXPECT_FALSE(c.ok()) << toml;
    return c.ok() ? "" : std::string(c.status().message());
  }

  // ParseConfiguration(args, env) with argv[0] and a null-terminated env.
  absl::StatusOr<ParsedConfiguration> Parse(std::vector<std::string> args,
                                            std::vector<std::string> env) {
    args.insert(args.begin(), "roughtimed");
    std::vector<char*> argv;
    for (std::string& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);
    std::vector<const char*> envp;
    for (const std::string& e : env) envp.push_back(e.c_str());
    envp.push_back(nullptr);
    return ParseConfiguration(static_cast<int>(args.size()), argv.data(),
                              envp.data());
  }

  std::string WriteFile(const std::string& name, const std::string& text) {
    const std::string path = dir_.File(name);
    std::ofstream(path) << text;
    return path;
  }

  absl::FlagSaver saver_;  // every test starts from the defaults
  TempDir dir_;
};

TEST_F(ConfigFileTest, EveryValueTypeReachesTheConfiguration) {
  absl::StatusOr<ServerConfig> c = FromToml(R"(
# booleans, integers, floats, strings, arrays, durations
tcp = false
kernel_filter = false
workers = 3
max-batch = 17
grease-rate = 0.25
versions = "1,draft-11"
listen = ["127.0.0.1:2100", "[::1]:2101"]
radius = "7s"
stats-interval = "1m30s"
tcp-idle-timeout = "250ms"
unsync-policy = "refuse"
root-key = "/etc/roughtimed/root.key"
)");
  ASSERT_TRUE(c.ok()) << c.status();
  EXPECT_FALSE(c->tcp.enabled);
  EXPECT_FALSE(c->socket_options.kernel.request_filter);
  EXPECT_EQ(c->workers, 3u);
  EXPECT_EQ(c->batcher.max_batch, 17u);
  EXPECT_DOUBLE_EQ(c->batcher.grease_rate, 0.25);
  EXPECT_TRUE(c->batcher.served.Contains(Version::kRfc1));
  EXPECT_FALSE(c->batcher.served.Contains(Version::kGoogle));
  ASSERT_EQ(c->listen.size(), 2u);
  EXPECT_EQ(c->listen[0].ToString(), "127.0.0.1:2100");
  EXPECT_EQ(c->listen[1].ToString(), "[::1]:2101");
  EXPECT_FALSE(c->default_listen);
  EXPECT_EQ(c->batcher.radius, absl::Seconds(7));
  EXPECT_EQ(c->stats_interval, absl::Seconds(90));
  EXPECT_EQ(c->tcp.idle_timeout, absl::Milliseconds(250));
  EXPECT_EQ(c->clock_policy.unsync, UnsyncPolicy::kRefuse);
  EXPECT_EQ(c->key_source, KeySource::kRootKey);
  EXPECT_EQ(c->key_path, "/etc/roughtimed/root.key");
}

TEST_F(ConfigFileTest, AnIntegerIsAcceptedForAFloatAndAStringForAList) {
  absl::StatusOr<ServerConfig> c =
      FromToml("grease_rate = 1\nlisten = \"127.0.0.1:1, [::1]:2\"\n");
  ASSERT_TRUE(c.ok()) << c.status();
  EXPECT_DOUBLE_EQ(c->batcher.grease_rate, 1.0);
  ASSERT_EQ(c->listen.size(), 2u);
  EXPECT_EQ(c->listen[1].ToString(), "[::1]:2");
}

TEST_F(ConfigFileTest, AMultiLineArrayWithCommentsIsAList) {
  absl::StatusOr<ServerConfig> c = FromToml(
      "listen = [\n  \"127.0.0.1:1\",  # IPv4\n  \"[::1]:2\",\n]\n");
  ASSERT_TRUE(c.ok()) << c.status();
  ASSERT_EQ(c->listen.size(), 2u);
  EXPECT_EQ(c->listen[0].ToString(), "127.0.0.1:1");
}

TEST_F(ConfigFileTest, AnEmptyFileChangesNothing) {
  absl::StatusOr<ServerConfig> c = FromToml("# nothing here\n");
  ASSERT_TRUE(c.ok()) << c.status();
  EXPECT_EQ(c->key_source, KeySource::kDev);
  EXPECT_TRUE(c->default_listen);
  EXPECT_EQ(c->listen[0].port(), kDefaultPort);
}

TEST_F(ConfigFileTest, TypeMismatchesNameFileLineAndKey) {
  struct Case {
    std::string toml;
    std::string expected;
  };
  for (const Case& c : std::vector<Case>{
           {"\n\ntcp = \"false\"\n", "test.toml:3: key 'tcp' must be a boolean"},
           {"workers = [1, 2]\n", "test.toml:1: key 'workers' must be an "
                                  "integer, not an array"},
           {"workers = 1.5\n", "key 'workers' must be an integer, not a float"},
           {"radius = 5\n", "key 'radius' must be a duration string"},
           {"versions = 1\n", "key 'versions' must be a string, not an int"},
           {"grease-rate = true\n", "key 'grease-rate' must be a number"},
           {"listen = [\"127.0.0.1:1\", 2]\n",
            "key 'listen' array items must be strings, not an integer"},
           {"root-key = 1979-05-27\n", "must be a string, not a date"},
       }) {
    const std::string error = ErrorOf(c.toml);
    EXPECT_TRUE(absl::StrContains(error, c.expected))
        << c.toml << " -> " << error;
  }
}

TEST_F(ConfigFileTest, UnknownKeysTablesAndRepeatsAreErrors) {
  EXPECT_EQ(ErrorOf("radius = \"5s\"\nlisen = \"[::]:2002\"\n"),
            "test.toml:2: unknown key 'lisen' (roughtimed has no --lisen; "
            "see --help)");
  EXPECT_TRUE(absl::StrContains(ErrorOf("workers = 1\n\n[tcp]\nidle = 1\n"),
                                "test.toml:3: tables ([...] lines) are not used"));
  EXPECT_TRUE(absl::StrContains(ErrorOf("tcp = { enabled = false }\n"),
                                "test.toml:1: key 'tcp': tables are not used"));
  EXPECT_TRUE(absl::StrContains(
      ErrorOf("root-key = \"/a\"\nroot_key = \"/b\"\n"),
      "key 'root_key' sets --root-key again (first set at test.toml:"));
  // Actions belong on the command line only.
  EXPECT_TRUE(absl::StrContains(ErrorOf("config = \"other.toml\"\n"),
                                "can only be given on the command line"));
  EXPECT_TRUE(absl::StrContains(ErrorOf("check-config = true\n"),
                                "can only be given on the command line"));
  // absl's own flags are not roughtimed settings.
  EXPECT_TRUE(absl::StrContains(ErrorOf("flagfile = \"x\"\n"), "unknown key"));
}

// Regression (tests/fuzz/config_fuzzer.cc): toml++ 3.3.0 aborts on a table
// header whose key starts with a character no key can start with. Such
// lines are refused before toml++ parses the text.
TEST_F(ConfigFileTest, TableHeadersThatCrashedTheTomlParserAreErrors) {
  static constexpr char kCrash[] =
      "# Type misma|chesorkers = [ype misma|chesorkers = [1,$isten = "
      "[\"127.0 2]\n[#tc1,$2]\nroot-key = \"/a\"\nroot_key = \"/b\"\n"
      "\216\236\233\226\212\214\337\303 \000id\000\000leoot_key = \"/b\"\n"
      "\216\236\233\226\212\214\337\303 5\nlisten = [\"127.0 2]\n[tcp]\000id"
      "\000\000le = 1\n";
  const std::string crash(kCrash, sizeof(kCrash) - 1);
  ASSERT_EQ(crash.size(), 194u);
  // Its first problem is a byte that is not ASCII (line 5).
  EXPECT_TRUE(absl::StartsWith(ErrorOf(crash), "test.toml:5: not ASCII"));
  EXPECT_EQ(ErrorOf(crash.substr(0, crash.find('\216'))),
            "test.toml:2: tables ([...] lines) are not used; write every "
            "setting at the top level");
  for (const char* text : {"[#]\n", "a = 1\n  [!x]\n", "[[#]]\n",
                           "\t[ \x01 ]"}) {
    EXPECT_TRUE(absl::StrContains(ErrorOf(text), "tables ([...] lines)"))
        << text;
  }
}

// Regression (tests/fuzz/config_fuzzer.cc): a date-time whose time part
// does not start with a digit broke an assertion in toml++ 3.3.0; its
// internal checks now only mark the parse as failed (config_file.cc).
TEST_F(ConfigFileTest, ADateTimeThatCrashedTheTomlParserIsAnError) {
  static constexpr char kCrash[] =
      "grease_rate = 1\n"
      "listen = \"127.0."
      "0.1:1, [::1]:2\"\n"
      "port = 999999999"
      "99\nwhen = 1980-0"
      "5-27T\001\001: 999999\307"
      "\307\307\307\307\307\307\327\307\307\307\307\307\307\307\307\307"
      "\307\307\307\307\307\307\307\307\307\307\307\307\307\307\307\307"
      "\307\307\307\307\307\307\307\307\307\307\307\307\307\307\307\307"
      "\307\307\307\307\307\307\307\307\307\307\307\307\307\307\307\307"
      "\307\307\307\307\307\307\307\307\307\307\307= '12"
      "7.0.0.1:0'\n";
  const std::string crash(kCrash, sizeof(kCrash) - 1);
  ASSERT_EQ(crash.size(), 187u);
  EXPECT_TRUE(absl::StrContains(ErrorOf(crash), "test.toml")) << crash;
  for (const char* text : {"when = 1980-05-27T\001\001:", "t = 1980-05-27 x"}) {
    EXPECT_TRUE(absl::StartsWith(ErrorOf(text), "test.toml")) << text;
  }
}

// Regression (tests/fuzz/config_fuzzer.cc): toml++ 3.3.0 reaches
// __builtin_unreachable() when it checks some non-ASCII characters for
// whitespace (U+025E after a value here), so non-ASCII files are refused.
TEST_F(ConfigFileTest, NonAsciiFilesAreRefusedBeforeParsing) {
  EXPECT_EQ(ErrorOf("tcp = false\nworkers = 1\xc9\x9e\n"),
            "test.toml:2: not ASCII (the configuration file must be ASCII, "
            "comments included)");
  for (const char* text : {"\xc2\xa1 = 1\n", "# RFC 10049 \xc2\xa7" "5\n",
                           "\xEF\xBB\xBFtcp = true\n",
                           "root-key = \"/etc/\xc3\xa9.key\"\n"}) {
    EXPECT_TRUE(absl::StartsWith(ErrorOf(text), "test.toml:1: not ASCII"))
        << text;
  }
}

TEST_F(ConfigFileTest, InvalidTomlNamesTheLine) {
  const std::string error = ErrorOf("workers = 1\nradius = \"5s\n");
  EXPECT_TRUE(absl::StartsWith(error, "test.toml:2: not valid TOML: "))
      << error;
  EXPECT_TRUE(absl::StartsWith(ErrorOf("a = 1\na = 2\n"), "test.toml:2:"));
}

TEST_F(ConfigFileTest, BadValuesOfTheRightTypeNameTheKey) {
  EXPECT_TRUE(absl::StartsWith(ErrorOf("\nradius = \"5 parsecs\"\n"),
                               "test.toml:2: key 'radius': bad value"));
  EXPECT_TRUE(absl::StartsWith(ErrorOf("port = 99999999999\n"),
                               "test.toml:1: key 'port': bad value"));
  // Range checks happen on the whole configuration (ConfigFromFlags).
  EXPECT_TRUE(absl::StrContains(ErrorOf("port = 70000\n"), "--port"));
}

TEST_F(ConfigFileTest, ReadConfigFileNamesAMissingFile) {
  absl::StatusOr<std::vector<FlagSetting>> s =
      ReadConfigFile(dir_.File("missing.toml"));
  ASSERT_FALSE(s.ok());
  EXPECT_TRUE(absl::StrContains(s.status().message(),
                                dir_.File("missing.toml")));
  EXPECT_FALSE(ReadConfigFile(dir_.path()).ok());  // a directory
  // A FIFO given by mistake is refused at once, not waited on.
  const std::string fifo = dir_.File("fifo");
  ASSERT_EQ(mkfifo(fifo.c_str(), 0600), 0);
  s = ReadConfigFile(fifo);
  ASSERT_FALSE(s.ok());
  EXPECT_TRUE(absl::StrContains(s.status().message(), "not a regular file"));
}

TEST_F(ConfigFileTest, EnvironmentVariablesMapToFlags) {
  const std::vector<const char*> env = {
      "PATH=/bin", "ROUGHTIMED_ROOT_KEY=/k", "ROUGHTIMED_LISTEN=127.0.0.1:5,[::1]:6",
      "ROUGHTIMED_CONFIG=/etc/r.toml", "ROUGHTIME_CLIENT=x", nullptr};
  absl::StatusOr<EnvironmentLayer> layer = ParseEnvironment(env.data());
  ASSERT_TRUE(layer.ok()) << layer.status();
  EXPECT_EQ(layer->config_file, "/etc/r.toml");
  ASSERT_EQ(layer->settings.size(), 2u);
  EXPECT_EQ(layer->settings[0].flag, "root_key");
  EXPECT_EQ(layer->settings[0].value, "/k");
  EXPECT_EQ(layer->settings[1].flag, "listen");
  std::vector<std::string> listen;
  ASSERT_TRUE(ApplyLayer(layer->settings, &listen).ok());
  absl::StatusOr<ServerConfig> c = ConfigFromFlags(listen);
  ASSERT_TRUE(c.ok()) << c.status();
  EXPECT_EQ(c->key_path, "/k");
  ASSERT_EQ(c->listen.size(), 2u);
  EXPECT_EQ(c->listen[1].ToString(), "[::1]:6");
}

TEST_F(ConfigFileTest, UnknownEnvironmentVariablesAreErrors) {
  for (const char* entry : {"ROUGHTIMED_ROOTKEY=/k", "ROUGHTIMED_root_key=/k",
                            "ROUGHTIMED_=1", "ROUGHTIMED_ROOT-KEY=/k",
                            "ROUGHTIMED_CHECK_CONFIG=1"}) {
    const std::vector<const char*> env = {entry, nullptr};
    absl::StatusOr<EnvironmentLayer> layer = ParseEnvironment(env.data());
    ASSERT_FALSE(layer.ok()) << entry;
    const std::string name(entry, std::string(entry).find('='));
    EXPECT_TRUE(absl::StartsWith(layer.status().message(),
                                 "environment variable " + name))
        << layer.status();
  }
  const std::vector<const char*> env = {"ROUGHTIMED_WORKERS=many", nullptr};
  absl::StatusOr<EnvironmentLayer> layer = ParseEnvironment(env.data());
  ASSERT_TRUE(layer.ok());
  std::vector<std::string> listen;
  absl::Status s = ApplyLayer(layer->settings, &listen);
  EXPECT_TRUE(absl::StartsWith(
      s.message(), "environment variable ROUGHTIMED_WORKERS: bad value 'many'"))
      << s;
}

TEST_F(ConfigFileTest, FileIsOverriddenByEnvironmentWhichIsOverriddenByFlags) {
  const std::string file = WriteFile("r.toml", R"(
workers = 2
max-batch = 10
radius = "7s"
listen = "127.0.0.1:1000"
)");
  // File only (each parse from the defaults, as in a fresh process).
  absl::StatusOr<ParsedConfiguration> p;
  {
    absl::FlagSaver fresh;
    p = Parse({"--config", file}, {});
  }
  ASSERT_TRUE(p.ok()) << p.status();
  EXPECT_EQ(p->config_file, file);
  EXPECT_FALSE(p->check_config);
  EXPECT_EQ(p->config.workers, 2u);
  EXPECT_EQ(p->config.batcher.max_batch, 10u);
  EXPECT_EQ(p->config.batcher.radius, absl::Seconds(7));
  EXPECT_EQ(p->config.listen[0].ToString(), "127.0.0.1:1000");

  // The environment beats the file, the command line beats both; the
  // listen addresses of a layer replace those below.
  {
    absl::FlagSaver fresh;
    p = Parse({"--radius=9s", "--listen", "[::1]:3000", "--check-config"},
              {"ROUGHTIMED_CONFIG=" + file, "ROUGHTIMED_MAX_BATCH=20",
               "ROUGHTIMED_RADIUS=8s", "ROUGHTIMED_LISTEN=127.0.0.1:2000"});
  }
  ASSERT_TRUE(p.ok()) << p.status();
  EXPECT_EQ(p->config_file, file);
  EXPECT_TRUE(p->check_config);
  EXPECT_EQ(p->config.workers, 2u);                // file
  EXPECT_EQ(p->config.batcher.max_batch, 20u);     // environment
  EXPECT_EQ(p->config.batcher.radius, absl::Seconds(9));  // flag
  ASSERT_EQ(p->config.listen.size(), 1u);
  EXPECT_EQ(p->config.listen[0].ToString(), "[::1]:3000");

  // --config beats $ROUGHTIMED_CONFIG.
  const std::string other = WriteFile("other.toml", "workers = 5\n");
  p = Parse({"--config=" + other}, {"ROUGHTIMED_CONFIG=" + file});
  ASSERT_TRUE(p.ok()) << p.status();
  EXPECT_EQ(p->config.workers, 5u);
  EXPECT_EQ(p->config.batcher.max_batch, 64u);  // not from `file`
}

TEST_F(ConfigFileTest, AHigherLayerReplacesTheKeySource) {
  const std::string file =
      WriteFile("k.toml", "delegation = \"/etc/roughtimed/online.delegation\"\n");
  absl::StatusOr<ParsedConfiguration> p =
      Parse({"--config", file}, {"ROUGHTIMED_ROOT_KEY=/keys/root.key"});
  ASSERT_TRUE(p.ok()) << p.status();
  EXPECT_EQ(p->config.key_source, KeySource::kRootKey);
  EXPECT_EQ(p->config.key_path, "/keys/root.key");
  p = Parse({"--config", file, "--dev"}, {});
  ASSERT_TRUE(p.ok()) << p.status();
  EXPECT_EQ(p->config.key_source, KeySource::kDev);
  // Within one layer two key sources still exclude each other.
  p = Parse({}, {"ROUGHTIMED_ROOT_KEY=/a", "ROUGHTIMED_DELEGATION=/b"});
  ASSERT_FALSE(p.ok());
  EXPECT_TRUE(absl::StrContains(p.status().message(), "exclude each other"));
}

TEST_F(ConfigFileTest, ErrorsOfEveryLayerComeBack) {
  absl::StatusOr<ParsedConfiguration> p =
      Parse({"--config", dir_.File("missing.toml")}, {});
  ASSERT_FALSE(p.ok());
  EXPECT_TRUE(absl::StrContains(p.status().message(), "missing.toml"));
  const std::string bad = WriteFile("bad.toml", "\nworkerz = 1\n");
  p = Parse({"--config", bad}, {});
  ASSERT_FALSE(p.ok());
  EXPECT_TRUE(absl::StartsWith(p.status().message(), bad + ":2: unknown key"));
  p = Parse({}, {"ROUGHTIMED_WORKERZ=1"});
  ASSERT_FALSE(p.ok());
  EXPECT_TRUE(absl::StrContains(p.status().message(), "ROUGHTIMED_WORKERZ"));
}

// dist/roughtimed.toml (ROUGHTIME_EXAMPLE_CONFIG) parses, and shows every
// roughtimed flag, so a flag added later must be documented there too.
TEST_F(ConfigFileTest, TheExampleFileParsesAndShowsEveryFlag) {
  const char* example = getenv("ROUGHTIME_EXAMPLE_CONFIG");
  ASSERT_NE(example, nullptr) << "run by meson test";
  absl::StatusOr<std::vector<FlagSetting>> settings = ReadConfigFile(example);
  ASSERT_TRUE(settings.ok()) << settings.status();
  std::vector<std::string> listen;
  ASSERT_TRUE(ApplyLayer(*settings, &listen).ok());
  absl::StatusOr<ServerConfig> c = ConfigFromFlags(listen);
  ASSERT_TRUE(c.ok()) << c.status();
  EXPECT_EQ(c->key_source, KeySource::kRootKey);
  EXPECT_TRUE(absl::StartsWith(c->key_path, "/etc/roughtimed/"));

  std::ifstream in(example);
  std::vector<std::string> keys;  // "name =" lines, commented out or not
  for (std::string line; std::getline(in, line);) {
    if (absl::StartsWith(line, "# ")) line = line.substr(2);
    const size_t eq = line.find(" =");
    if (eq != std::string::npos) keys.push_back(line.substr(0, eq));
  }
  for (const absl::CommandLineFlag* flag : AllServerFlags()) {
    if (IsCommandLineOnly(flag->Name())) continue;
    const std::string dashed =
        absl::StrReplaceAll(flag->Name(), {{"_", "-"}});
    EXPECT_NE(std::find(keys.begin(), keys.end(), dashed), keys.end())
        << "dist/roughtimed.toml does not show --" << dashed;
  }
}

}  // namespace
}  // namespace roughtime::server
