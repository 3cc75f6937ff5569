// Checks .npy files against numpy itself: numpy loads what we write (and np.save writes the same
// bytes), and we read what numpy writes in formats 1.0, 2.0 and 3.0. Skipped without numpy.
#include <gtest/gtest.h>

#include <bit>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

#include "core/error.h"
#include "core/float16.h"
#include "core/npy_reader.h"
#include "core/npy_writer.h"
#include "test_util.h"

namespace clipret::core {
namespace {

using clipret::testing::read_file;
using clipret::testing::TempDir;
using clipret::testing::write_file;

// Debian's interpreter, which has python3-numpy; another python3 may come first on PATH.
constexpr char kPython[] = "/usr/bin/python3";

bool have_numpy() {
  return std::system((std::string(kPython) + " -c 'import numpy' >/dev/null 2>&1").c_str()) == 0;
}

// Runs `script` with argument `dir`; returns its exit status and fills `output`.
int run_python(const TempDir& dir, const std::string& script, std::string* output) {
  const std::string path = dir.file("script.py");
  write_file(path, script);
  const std::string command =
      std::string(kPython) + " " + path + " " + dir.path().string() + " 2>&1";
  FILE* pipe = ::popen(command.c_str(), "r");
  if (pipe == nullptr) return -1;
  char buffer[4096];
  size_t n;
  while ((n = std::fread(buffer, 1, sizeof(buffer), pipe)) > 0) output->append(buffer, n);
  return ::pclose(pipe);
}

// The values both sides generate for element i: exact in every dtype, float16 included.
double float_value(uint64_t i) {
  return (static_cast<double>((i * 7) % 13) - 6.0) * 0.25;
}
int64_t int32_value(uint64_t i) {
  return static_cast<int64_t>(i) * 100003 - 1000000;
}
int64_t int64_value(uint64_t i) {
  return static_cast<int64_t>(i) * 3000000019LL - (1LL << 40);
}

constexpr char kPythonValues[] = R"(
import os, sys
import numpy as np
d = sys.argv[1]
def values(dtype, shape):
    i = np.arange(int(np.prod(shape)), dtype=np.int64)
    if np.dtype(dtype).kind == 'f':
        v = ((i * 7) % 13 - 6) * 0.25
    elif np.dtype(dtype) == np.int32:
        v = i * 100003 - 1000000
    else:
        v = i * 3000000019 - (1 << 40)
    return v.astype(dtype).reshape(shape)
)";

// What we write, as (file, numpy dtype, shape).
struct Written {
  const char* file;
  NpyDtype dtype;
  std::vector<uint64_t> shape;
};

std::vector<char> make_values(NpyDtype dtype, uint64_t n) {
  std::vector<char> bytes(n * npy_dtype_size(dtype));
  for (uint64_t i = 0; i < n; ++i) {
    char* p = bytes.data() + i * npy_dtype_size(dtype);
    switch (dtype) {
      case NpyDtype::kFloat16: {
        const uint16_t h = float32_to_float16(static_cast<float>(float_value(i)));
        std::memcpy(p, &h, sizeof(h));
        break;
      }
      case NpyDtype::kFloat32: {
        const auto f = static_cast<float>(float_value(i));
        std::memcpy(p, &f, sizeof(f));
        break;
      }
      case NpyDtype::kFloat64: {
        const double v = float_value(i);
        std::memcpy(p, &v, sizeof(v));
        break;
      }
      case NpyDtype::kInt32: {
        const auto v = static_cast<int32_t>(int32_value(i));
        std::memcpy(p, &v, sizeof(v));
        break;
      }
      case NpyDtype::kInt64: {
        const int64_t v = int64_value(i);
        std::memcpy(p, &v, sizeof(v));
        break;
      }
    }
  }
  return bytes;
}

uint64_t product(const std::vector<uint64_t>& shape) {
  uint64_t n = 1;
  for (uint64_t d : shape) n *= d;
  return n;
}

TEST(NpyNumpyCompatTest, NumpyLoadsWhatWeWriteAndSavesTheSameBytes) {
  if (!have_numpy()) GTEST_SKIP() << kPython << " has no numpy";
  TempDir dir;
  const std::vector<Written> files = {
      {"f2.npy", NpyDtype::kFloat16, {5, 3}},  {"f4.npy", NpyDtype::kFloat32, {4, 7}},
      {"f8.npy", NpyDtype::kFloat64, {2, 2}},  {"i4.npy", NpyDtype::kInt32, {6}},
      {"i8.npy", NpyDtype::kInt64, {3, 2, 2}}, {"empty.npy", NpyDtype::kFloat16, {0, 512}},
      {"scalar.npy", NpyDtype::kFloat64, {}},  {"wide.npy", NpyDtype::kFloat16, {1000, 768}},
  };
  std::string checks = "files = [\n";
  for (const Written& w : files) {
    const std::vector<char> bytes = make_values(w.dtype, product(w.shape));
    if (w.shape.size() >= 2 && w.shape[0] > 1) {  // append in two batches
      NpyWriter writer(dir.file(w.file), w.dtype,
                       std::vector<uint64_t>(w.shape.begin() + 1, w.shape.end()));
      const uint64_t first = w.shape[0] / 2;
      const size_t row_bytes = bytes.size() / w.shape[0];
      writer.append_rows(bytes.data(), first);
      writer.append_rows(bytes.data() + first * row_bytes, w.shape[0] - first);
      writer.close();
    } else {
      write_npy(dir.file(w.file), w.dtype, w.shape, bytes.data());
    }
    checks += string_printf("  ('%s', '%s', %s),\n", w.file, npy_dtype_descr(w.dtype),
                            npy_shape_repr(w.shape).c_str());
  }
  checks += "]\n";
  const std::string script = std::string(kPythonValues) + checks + R"(
for name, descr, shape in files:
    a = np.load(os.path.join(d, name))
    expected = values(descr, shape)
    assert a.dtype == np.dtype(descr), (name, a.dtype)
    assert a.shape == shape, (name, a.shape)
    assert np.array_equal(a, expected), (name, a, expected)
    np.save(os.path.join(d, 'numpy_' + name), expected)
print('numpy ok')
)";
  std::string output;
  ASSERT_EQ(run_python(dir, script, &output), 0) << output;
  EXPECT_NE(output.find("numpy ok"), std::string::npos) << output;
  for (const Written& w : files) {
    EXPECT_EQ(read_file(dir.file(w.file)), read_file(dir.file(std::string("numpy_") + w.file)))
        << w.file << ": our bytes differ from np.save's";
  }
}

TEST(NpyNumpyCompatTest, WeReadWhatNumpyWritesInEveryVersion) {
  if (!have_numpy()) GTEST_SKIP() << kPython << " has no numpy";
  TempDir dir;
  const std::string script = std::string(kPythonValues) + R"(
shapes = {'<f2': (5, 3), '<f4': (4, 7), '<f8': (9,), '<i4': (2, 3, 2), '<i8': (3, 2)}
for descr, shape in shapes.items():
    a = values(descr, shape)
    np.save(os.path.join(d, 'v1_%s.npy' % descr[1:]), a)
    for major in (2, 3):
        with open(os.path.join(d, 'v%d_%s.npy' % (major, descr[1:])), 'wb') as f:
            np.lib.format.write_array(f, a, version=(major, 0))
np.save(os.path.join(d, 'fortran.npy'), np.asfortranarray(values('<f4', (3, 4))))
np.save(os.path.join(d, 'big_endian.npy'), values('<f4', (3, 4)).astype('>f4'))
np.save(os.path.join(d, 'object.npy'), np.array([1, 'a'], dtype=object), allow_pickle=True)
np.save(os.path.join(d, 'uint16.npy'), np.arange(4, dtype=np.uint16))
print('written')
)";
  std::string output;
  ASSERT_EQ(run_python(dir, script, &output), 0) << output;

  const std::vector<Written> expected = {
      {"f2", NpyDtype::kFloat16, {5, 3}}, {"f4", NpyDtype::kFloat32, {4, 7}},
      {"f8", NpyDtype::kFloat64, {9}},    {"i4", NpyDtype::kInt32, {2, 3, 2}},
      {"i8", NpyDtype::kInt64, {3, 2}},
  };
  for (int major : {1, 2, 3}) {
    for (const Written& w : expected) {
      const std::string path = dir.file(string_printf("v%d_%s.npy", major, w.file));
      const NpyReader reader = NpyReader::open(path);
      EXPECT_EQ(reader.header().major_version, major) << path;
      EXPECT_EQ(reader.dtype(), w.dtype) << path;
      EXPECT_EQ(reader.shape(), w.shape) << path;
      const std::vector<char> values = make_values(w.dtype, product(w.shape));
      EXPECT_EQ(std::memcmp(reader.data(), values.data(), values.size()), 0) << path;
    }
  }
  const std::pair<const char*, const char*> unsupported[] = {
      {"fortran.npy", "Fortran"},
      {"big_endian.npy", "big-endian"},
      {"object.npy", "object"},
      {"uint16.npy", "unsupported dtype '<u2'"},
  };
  for (const auto& [file, what] : unsupported) {
    try {
      NpyReader::open(dir.file(file));
      ADD_FAILURE() << file << " opened";
    } catch (const Error& e) {
      EXPECT_EQ(e.kind(), ErrorKind::kUnsupported) << e.what();
      EXPECT_NE(std::string(e.what()).find(what), std::string::npos) << e.what();
    }
  }
}

TEST(NpyNumpyCompatTest, Float16ConversionMatchesNumpy) {
  if (!have_numpy()) GTEST_SKIP() << kPython << " has no numpy";
  TempDir dir;
  // Every half's midpoint to its successor and the floats around it, plus sampled bit patterns.
  std::vector<float> values;
  for (uint32_t bits = 0; bits < 0x7c00; ++bits) {
    const float lo = float16_to_float32(static_cast<uint16_t>(bits));
    const float mid = lo + (float16_to_float32(static_cast<uint16_t>(bits + 1)) - lo) / 2;
    for (float v : {mid, std::nextafter(mid, 0.0f), std::nextafter(mid, 1e30f)}) {
      values.push_back(v);
      values.push_back(-v);
    }
  }
  for (uint64_t bits = 0; bits < 0x100000000ull; bits += 65537) {
    values.push_back(std::bit_cast<float>(static_cast<uint32_t>(bits)));
  }
  write_npy(dir.file("in.npy"), NpyDtype::kFloat32, {values.size()}, values.data());
  std::string output;
  ASSERT_EQ(run_python(dir, R"(
import os, sys
import numpy as np
d = sys.argv[1]
np.save(os.path.join(d, 'out.npy'), np.load(os.path.join(d, 'in.npy')).astype(np.float16))
)",
                       &output),
            0)
      << output;
  const NpyReader out = NpyReader::open(dir.file("out.npy"));
  ASSERT_EQ(out.dtype(), NpyDtype::kFloat16);
  ASSERT_EQ(out.rows(), values.size());
  const auto* half = static_cast<const uint16_t*>(out.data());
  int mismatches = 0;
  for (size_t i = 0; i < values.size() && mismatches < 10; ++i) {
    if (float32_to_float16(values[i]) != half[i]) {
      ++mismatches;
      ADD_FAILURE() << std::hex << "float bits " << std::bit_cast<uint32_t>(values[i]) << ": ours "
                    << float32_to_float16(values[i]) << ", numpy " << half[i];
    }
  }
}

}  // namespace
}  // namespace clipret::core
