// Tests of download/content_hash: digests against the standards' vectors and Python's hashlib.
#include "download/content_hash.h"

#include <gtest/gtest.h>

#include <random>
#include <string>

#include "core/error.h"
#include "test_util.h"

namespace clipret::download {
namespace {

using clipret::testing::run_command;
using clipret::testing::TempDir;
using clipret::testing::write_file;

TEST(ContentHash, KnowsTheThreeTypes) {
  EXPECT_TRUE(is_hash_type("md5"));
  EXPECT_TRUE(is_hash_type("sha256"));
  EXPECT_TRUE(is_hash_type("sha512"));
  EXPECT_FALSE(is_hash_type("sha1"));
  EXPECT_FALSE(is_hash_type("SHA256"));
  EXPECT_FALSE(is_hash_type(""));
}

// RFC 1321 appendix A.5 and FIPS 180-2 appendices B.1 and C.1 (and the empty-message digests).
TEST(ContentHash, StandardVectors) {
  EXPECT_EQ(hex_digest("md5", ""), "d41d8cd98f00b204e9800998ecf8427e");
  EXPECT_EQ(hex_digest("md5", "abc"), "900150983cd24fb0d6963f7d28e17f72");
  EXPECT_EQ(hex_digest("sha256", ""),
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  EXPECT_EQ(hex_digest("sha256", "abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  EXPECT_EQ(hex_digest("sha512", ""),
            "cf83e1357eefb8bdf1542850d66d8007d620e4050b5715dc83f4a921d36ce9ce"
            "47d0d13c5d85f2b0ff8318d2877eec2f63b931bd47417a81a538327af927da3e");
  EXPECT_EQ(hex_digest("sha512", "abc"),
            "ddaf35a193617abacc417349ae20413112e6fa4e89a97ea20a9eeee64b55d39a"
            "2192992a274fc1a836ba3c23a3feebbd454d4423643ce80e2a9ac94fa54ca49f");
}

TEST(ContentHash, BinaryBytesMatchPythonHashlib) {
  if (run_command("/usr/bin/python3 -c 'import hashlib'").exit_code != 0) {
    GTEST_SKIP() << "/usr/bin/python3 not available";
  }
  std::mt19937 rng(15);
  std::string bytes(100003, '\0');  // not a multiple of any block size, NULs included
  for (char& c : bytes) c = static_cast<char>(rng() & 0xFF);
  TempDir dir;
  const std::string path = dir.file("bytes.bin");
  write_file(path, bytes);
  for (const char* type : {"md5", "sha256", "sha512"}) {
    const auto python = run_command(std::string("/usr/bin/python3 -c 'import hashlib,sys; print(") +
                                    "hashlib.new(sys.argv[1], open(sys.argv[2], \"rb\").read())" +
                                    ".hexdigest(), end=\"\")' " + type + " '" + path + "'");
    ASSERT_EQ(python.exit_code, 0) << python.err;
    EXPECT_EQ(hex_digest(type, bytes), python.out) << type;
  }
}

TEST(ContentHash, UnknownTypeIsInvalidInput) {
  try {
    hex_digest("crc32", "abc");
    FAIL() << "expected an exception";
  } catch (const Error& error) {
    EXPECT_EQ(error.kind(), ErrorKind::kInvalidInput);
    EXPECT_NE(std::string(error.what()).find("crc32"), std::string::npos);
  }
}

}  // namespace
}  // namespace clipret::download
