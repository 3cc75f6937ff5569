#include "core/npy_header.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "core/error.h"

namespace clipret::core {
namespace {

// A v1.0 file prefix holding `dict` (unpadded: parsing does not require numpy's padding).
std::string v1_header(const std::string& dict) {
  std::string out("\x93NUMPY\x01\x00", 8);
  out.push_back(static_cast<char>(dict.size() & 0xff));
  out.push_back(static_cast<char>(dict.size() >> 8));
  return out + dict;
}

// Expects parse_npy_header to throw `kind` with a message containing the file name and `what`.
void expect_error(const std::string& bytes, ErrorKind kind, const std::string& what) {
  try {
    parse_npy_header(bytes, "emb.npy");
    ADD_FAILURE() << "no error; expected: " << what;
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), kind) << e.what();
    EXPECT_NE(std::string(e.what()).find("emb.npy"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find(what), std::string::npos) << e.what();
  }
}

TEST(NpyHeaderTest, FormatsLikeNumpy) {
  const std::string h = format_npy_header(NpyDtype::kFloat16, {3, 4});
  // What np.save(np.zeros((3, 4), np.float16)) writes with numpy >= 1.23.
  std::string dict = "{'descr': '<f2', 'fortran_order': False, 'shape': (3, 4), }";
  dict += std::string(20, ' ');  // spare room for a 21-digit first axis
  const size_t padded = 128 - 10;
  const std::string expected = std::string("\x93NUMPY\x01\x00", 8) + std::string(1, padded & 0xff) +
                               std::string(1, '\0') + dict +
                               std::string(padded - dict.size() - 1, ' ') + "\n";
  EXPECT_EQ(h, expected);
}

TEST(NpyHeaderTest, LengthDoesNotDependOnRowCount) {
  const size_t base = format_npy_header(NpyDtype::kFloat32, {0, 512}).size();
  for (uint64_t rows : {1ull, 999ull, 1000000ull, 18446744073709551615ull}) {
    EXPECT_EQ(format_npy_header(NpyDtype::kFloat32, {rows, 512}).size(), base);
  }
}

TEST(NpyHeaderTest, RoundTripsEveryDtypeAndShape) {
  const NpyDtype dtypes[] = {NpyDtype::kFloat16, NpyDtype::kFloat32, NpyDtype::kFloat64,
                             NpyDtype::kInt32, NpyDtype::kInt64};
  const std::vector<std::vector<uint64_t>> shapes = {{}, {7}, {0, 3}, {2, 3, 4}, {1000000, 768}};
  for (NpyDtype dtype : dtypes) {
    for (const auto& shape : shapes) {
      const std::string bytes = format_npy_header(dtype, shape);
      EXPECT_EQ(bytes.size() % 64, 0u);
      EXPECT_EQ(bytes.back(), '\n');
      const NpyHeader h = parse_npy_header(bytes, "x.npy");
      EXPECT_EQ(h.major_version, 1);
      EXPECT_EQ(h.dtype, dtype);
      EXPECT_EQ(h.shape, shape);
      EXPECT_EQ(h.data_offset, bytes.size());
      uint64_t n = 1;
      for (uint64_t d : shape) n *= d;
      EXPECT_EQ(h.element_count, n);
      EXPECT_EQ(h.data_bytes, n * npy_dtype_size(dtype));
    }
  }
}

TEST(NpyHeaderTest, UsesVersion2WhenTheHeaderExceeds65535Bytes) {
  const std::vector<uint64_t> shape(30000, 1);  // "1, " per axis: about 90000 bytes
  const std::string bytes = format_npy_header(NpyDtype::kInt64, shape);
  EXPECT_EQ(bytes[6], '\x02');
  EXPECT_EQ(bytes.size() % 64, 0u);
  const NpyHeader h = parse_npy_header(bytes, "big.npy");
  EXPECT_EQ(h.major_version, 2);
  EXPECT_EQ(h.shape, shape);
  EXPECT_EQ(h.data_offset, bytes.size());
}

TEST(NpyHeaderTest, AcceptsOtherSpellingsOfAValidDict) {
  const char* dicts[] = {
      "{'shape': (5, 2), 'fortran_order': False, 'descr': '<f4'}",         // any key order
      "{\"descr\": \"<f4\", \"fortran_order\": False, \"shape\": (5,2)}",  // double quotes
      "{'descr': '=f4', 'fortran_order': False, 'shape': (5L, 2L), }",     // native, py2 longs
      "  {'descr':'<f4','fortran_order':False,'shape':( 5 , 2 , ) }\n",
  };
  for (const char* dict : dicts) {
    const NpyHeader h = parse_npy_header(v1_header(dict), "ok.npy");
    EXPECT_EQ(h.dtype, NpyDtype::kFloat32) << dict;
    EXPECT_EQ(h.shape, (std::vector<uint64_t>{5, 2})) << dict;
  }
  // Fortran order is harmless with fewer than two axes.
  const NpyHeader h =
      parse_npy_header(v1_header("{'descr': '<i8', 'fortran_order': True, 'shape': (4,), }"), "v");
  EXPECT_EQ(h.shape, std::vector<uint64_t>{4});
}

TEST(NpyHeaderTest, RejectsBadMagicAndVersions) {
  expect_error("", ErrorKind::kCorrupt, "bad magic");
  expect_error("\x93NUMPZ\x01\x00", ErrorKind::kCorrupt, "bad magic");
  expect_error("PK\x03\x04 not npy at all", ErrorKind::kCorrupt, "bad magic");
  expect_error(std::string("\x93NUMPY\x04\x00\x10\x00", 10), ErrorKind::kUnsupported,
               "version 4.0");
  expect_error(std::string("\x93NUMPY\x01\x01\x10\x00", 10), ErrorKind::kUnsupported,
               "version 1.1");
}

TEST(NpyHeaderTest, RejectsTruncatedHeaders) {
  expect_error(std::string("\x93NUMPY\x01\x00", 8), ErrorKind::kCorrupt, "truncated");
  expect_error(std::string("\x93NUMPY\x02\x00\x10\x00", 10), ErrorKind::kCorrupt, "truncated");
  std::string whole = format_npy_header(NpyDtype::kFloat32, {2, 2});
  expect_error(whole.substr(0, whole.size() - 1), ErrorKind::kCorrupt, "truncated");
  // A v2 length field claiming 4 GiB.
  expect_error(std::string("\x93NUMPY\x02\x00\xff\xff\xff\xff{}", 14), ErrorKind::kCorrupt,
               "limit");
}

TEST(NpyHeaderTest, RejectsMalformedDicts) {
  const char* dicts[] = {
      "",
      "not a dict",
      "{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), ",   // unclosed
      "{'descr': '<f4' 'fortran_order': False, 'shape': (2, 3)}",     // missing comma
      "{'descr: '<f4', 'fortran_order': False, 'shape': (2, 3)}",     // bad quoting
      "{descr: '<f4', 'fortran_order': False, 'shape': (2, 3)}",      // bare key
      "{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3)} x",  // trailing text
      "{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3)}}",
      "{'descr': '<f4', 'fortran_order': Flase, 'shape': (2, 3)}",
      "{'descr': '<f4', 'descr': '<f4', 'fortran_order': False, 'shape': (2, 3)}",
      "{'descr': '<f4', 'fortran_order': False, 'shape': ((((((((((2,),),),),),),),),),)}",
  };
  for (const char* dict : dicts) expect_error(v1_header(dict), ErrorKind::kCorrupt, "malformed");
}

TEST(NpyHeaderTest, RejectsWrongKeysAndValues) {
  struct Case {
    const char* dict;
    const char* what;
  };
  const Case cases[] = {
      {"{'descr': '<f4', 'shape': (2, 3)}", "missing key 'fortran_order'"},
      {"{'descr': '<f4', 'fortran_order': False}", "missing key 'shape'"},
      {"{'fortran_order': False, 'shape': (2, 3)}", "missing key 'descr'"},
      {"{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), 'x': 1}", "unexpected key 'x'"},
      {"{'descr': '<f4', 'fortran_order': 0, 'shape': (2, 3)}", "'fortran_order'"},
      {"{'descr': 4, 'fortran_order': False, 'shape': (2, 3)}", "'descr' is not a string"},
      {"{'descr': '<f4', 'fortran_order': False, 'shape': (2)}", "'shape' is not a tuple"},
      {"{'descr': '<f4', 'fortran_order': False, 'shape': [2, 3]}", "'shape' is not a tuple"},
      {"{'descr': '<f4', 'fortran_order': False, 'shape': (2, -3)}", "non-negative"},
      {"{'descr': '<f4', 'fortran_order': False, 'shape': (2, 'a')}", "non-negative"},
  };
  for (const Case& c : cases) expect_error(v1_header(c.dict), ErrorKind::kCorrupt, c.what);
}

TEST(NpyHeaderTest, RejectsUnsupportedLayoutsAndDtypes) {
  struct Case {
    const char* dict;
    const char* what;
  };
  const Case cases[] = {
      {"{'descr': '<f4', 'fortran_order': True, 'shape': (2, 3)}", "Fortran"},
      {"{'descr': '|O', 'fortran_order': False, 'shape': (2,)}", "object"},
      {"{'descr': '>f4', 'fortran_order': False, 'shape': (2,)}", "big-endian"},
      {"{'descr': '>i8', 'fortran_order': False, 'shape': (2,)}", "big-endian"},
      {"{'descr': '<u2', 'fortran_order': False, 'shape': (2,)}", "unsupported dtype '<u2'"},
      {"{'descr': '<c8', 'fortran_order': False, 'shape': (2,)}", "unsupported dtype"},
      {"{'descr': '|b1', 'fortran_order': False, 'shape': (2,)}", "unsupported dtype"},
      {"{'descr': '<U5', 'fortran_order': False, 'shape': (2,)}", "unsupported dtype"},
      {"{'descr': [('a', '<f4')], 'fortran_order': False, 'shape': (2,)}", "structured"},
  };
  for (const Case& c : cases) expect_error(v1_header(c.dict), ErrorKind::kUnsupported, c.what);
}

TEST(NpyHeaderTest, RejectsShapesThatOverflow) {
  expect_error(
      v1_header("{'descr': '<f4', 'fortran_order': False, 'shape': (4294967296, 4294967296)}"),
      ErrorKind::kCorrupt, "overflows");
  // The element count fits, the byte count does not.
  expect_error(
      v1_header("{'descr': '<f8', 'fortran_order': False, 'shape': (4611686018427387904,)}"),
      ErrorKind::kCorrupt, "overflows");
  expect_error(
      v1_header("{'descr': '<f4', 'fortran_order': False, 'shape': (99999999999999999999,)}"),
      ErrorKind::kCorrupt, "64 bits");
  // A zero axis makes any other size harmless.
  const NpyHeader h = parse_npy_header(
      v1_header("{'descr': '<f4', 'fortran_order': False, 'shape': (0, 18446744073709551615)}"),
      "zero.npy");
  EXPECT_EQ(h.element_count, 0u);
}

TEST(NpyHeaderTest, ShapeRepr) {
  EXPECT_EQ(npy_shape_repr({}), "()");
  EXPECT_EQ(npy_shape_repr({3}), "(3,)");
  EXPECT_EQ(npy_shape_repr({3, 4}), "(3, 4)");
}

}  // namespace
}  // namespace clipret::core
