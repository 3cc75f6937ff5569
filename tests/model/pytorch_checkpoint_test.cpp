// Tests of model/pytorch_checkpoint (with its zip reader and restricted unpickler) on
// checkpoints that torch.save writes at run time: pytorch_checkpoint_writer.py, run by
// /usr/bin/python3 with Debian's python3-torch, which also dumps every tensor's values as raw
// float32, the independent truth. Refusals: code-running pickles, lying storages, truncations,
// legacy and garbage files, and every single-byte corruption of a real checkpoint.
#include "model/pytorch_checkpoint.h"

#include <gtest/gtest.h>

#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "core/error.h"
#include "model/tensor_store.h"
#include "model/zip_archive.h"
#include "test_util.h"

namespace clipret::model {
namespace {

using testing::read_file;
using testing::run_command;
using testing::TempDir;
using testing::write_file;

struct Reference {
  std::string name, dtype;
  std::vector<int64_t> shape;
};

// The script's output, written once per test binary run.
class Checkpoints {
 public:
  static const Checkpoints& get() {
    static const Checkpoints checkpoints;
    return checkpoints;
  }
  const std::string& failure() const { return failure_; }
  std::string file(const std::string& name) const { return dir_.file(name); }
  const std::vector<Reference>& references() const { return references_; }
  std::vector<float> values(const std::string& name) const {
    const std::string bytes = read_file(dir_.file("ref/" + name + ".f32"));
    std::vector<float> out(bytes.size() / sizeof(float));
    if (!out.empty()) std::memcpy(out.data(), bytes.data(), bytes.size());
    return out;
  }

 private:
  Checkpoints() {
    const std::string script =
        std::string(CLIPRET_SOURCE_DIR) + "/tests/model/pytorch_checkpoint_writer.py";
    const auto run =
        run_command("/usr/bin/python3 '" + script + "' '" + dir_.path().string() + "'");
    if (run.exit_code != 0) {
      failure_ = "the checkpoint writer failed (exit " + std::to_string(run.exit_code) +
                 "; /usr/bin/python3 needs torch: scripts/setup.sh installs python3-torch):\n" +
                 run.out + run.err;
      return;
    }
    std::istringstream lines(read_file(dir_.file("ref.tsv")));
    std::string line;
    while (std::getline(lines, line)) {
      Reference r;
      std::istringstream fields(line);
      std::string shape;
      std::getline(fields, r.name, '\t');
      std::getline(fields, r.dtype, '\t');
      std::getline(fields, shape, '\t');
      std::istringstream dims(shape);
      std::string dim;
      while (std::getline(dims, dim, ',')) r.shape.push_back(std::stoll(dim));
      references_.push_back(r);
    }
  }
  TempDir dir_;
  std::string failure_;
  std::vector<Reference> references_;
};

#define REQUIRE_CHECKPOINTS() ASSERT_EQ(Checkpoints::get().failure(), "")

SafetensorsDtype dtype_of(const std::string& torch_name) {
  if (torch_name == "float32") return SafetensorsDtype::kF32;
  if (torch_name == "float16") return SafetensorsDtype::kF16;
  if (torch_name == "bfloat16") return SafetensorsDtype::kBF16;
  if (torch_name == "int64") return SafetensorsDtype::kI64;
  ADD_FAILURE() << "unexpected dtype " << torch_name;
  return SafetensorsDtype::kBool;
}

// Expects `open_path(path)` to throw `kind` with every needle in its message.
template <typename Open>
void expect_error(Open open_path, const std::string& path, ErrorKind kind,
                  const std::vector<std::string>& needles) {
  try {
    open_path(path);
    ADD_FAILURE() << "no error for " << path;
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), kind) << e.what();
    for (const std::string& needle : needles) {
      EXPECT_NE(std::string(e.what()).find(needle), std::string::npos)
          << "'" << needle << "' not in: " << e.what();
    }
  }
}

void open_checkpoint(const std::string& path) {
  PytorchCheckpoint::open(path);
}

// Reads every float tensor of `store` and compares it bit for bit with the dump.
void expect_store_matches(const TensorStore& store) {
  const Checkpoints& c = Checkpoints::get();
  for (const Reference& r : c.references()) {
    ASSERT_TRUE(store.has(r.name)) << r.name;
    EXPECT_EQ(store.shape(r.name), r.shape) << r.name;
    if (r.dtype == "int64") {
      EXPECT_THROW(store.read_f32(r.name, r.shape), Error);
      continue;
    }
    EXPECT_EQ(store.read_f32(r.name, r.shape), c.values(r.name)) << r.name;
  }
}

TEST(PytorchCheckpointTest, MatchesTorchValuesForEveryDtypeAndLayout) {
  REQUIRE_CHECKPOINTS();
  const Checkpoints& c = Checkpoints::get();
  const PytorchCheckpoint file = PytorchCheckpoint::open(c.file("state.bin"));
  ASSERT_EQ(file.tensors().size(), c.references().size());
  for (const Reference& r : c.references()) {
    const TorchTensorRecord* t = file.find(r.name);
    ASSERT_NE(t, nullptr) << r.name;
    EXPECT_EQ(t->dtype, dtype_of(r.dtype)) << r.name;
    EXPECT_EQ(t->shape, r.shape) << r.name;
    if (r.dtype == "int64") {
      try {
        file.read_f32(r.name);
        ADD_FAILURE() << "int64 read as float";
      } catch (const Error& e) {
        EXPECT_EQ(e.kind(), ErrorKind::kUnsupported);
        EXPECT_NE(std::string(e.what()).find("position_ids' has dtype I64"), std::string::npos)
            << e.what();
      }
      continue;
    }
    // float16 and bfloat16 widen exactly, so even they match bit for bit.
    EXPECT_EQ(file.read_f32(r.name), c.values(r.name)) << r.name;
  }
}

TEST(PytorchCheckpointTest, KeepsSavedViewsAsTheyAre) {
  REQUIRE_CHECKPOINTS();
  const PytorchCheckpoint file = PytorchCheckpoint::open(Checkpoints::get().file("state.bin"));
  EXPECT_EQ(file.find("transposed")->strides, (std::vector<int64_t>{1, 5}));
  EXPECT_EQ(file.find("expanded")->strides, (std::vector<int64_t>{0, 1}));
  EXPECT_EQ(file.find("columns")->strides, (std::vector<int64_t>{6, 2}));
  EXPECT_EQ(file.find("columns")->storage_offset, 1u);
  const TorchTensorRecord* a = file.find("tied_a");
  const TorchTensorRecord* b = file.find("tied_b");
  EXPECT_EQ(a->storage_key, b->storage_key);  // tied: one storage, two offsets
  EXPECT_EQ(a->storage_offset, 2u);
  EXPECT_EQ(b->storage_offset, 10u);
  EXPECT_EQ(a->storage_numel, 20u);
  EXPECT_TRUE(file.find("scalar")->shape.empty());
  EXPECT_EQ(file.read_f32("scalar"), std::vector<float>{2.5f});
  EXPECT_TRUE(file.read_f32("empty").empty());
  EXPECT_EQ(file.find("missing"), nullptr);
  expect_error([&](const std::string& name) { file.read_f32(name); }, "missing",
               ErrorKind::kNotFound, {"state.bin", "missing"});
}

TEST(PytorchCheckpointTest, TensorStoreOpensBinAndShardedIndex) {
  REQUIRE_CHECKPOINTS();
  const Checkpoints& c = Checkpoints::get();
  const TensorStore single = TensorStore::open(c.file("state.bin"));
  expect_store_matches(single);
  const TensorStore sharded = TensorStore::open(c.file("sharded/pytorch_model.bin.index.json"));
  expect_store_matches(sharded);
  EXPECT_EQ(single.names(), sharded.names());
  EXPECT_EQ(single.names().size(), c.references().size());
  expect_error(
      [&](const std::string& name) {
        single.read_f32(name, {4, 3});
      },
      "weight", ErrorKind::kCorrupt, {"state.bin", "weight", "[3, 4]", "[4, 3]"});
}

TEST(PytorchCheckpointTest, ReadsWrappedStateDictAndDeflatedPickle) {
  REQUIRE_CHECKPOINTS();
  const Checkpoints& c = Checkpoints::get();
  const PytorchCheckpoint wrapped = PytorchCheckpoint::open(c.file("wrapped.bin"));
  ASSERT_EQ(wrapped.tensors().size(), 1u);
  EXPECT_EQ(wrapped.read_f32("weight"), c.values("weight"));
  const PytorchCheckpoint deflated = PytorchCheckpoint::open(c.file("deflated_pickle.bin"));
  EXPECT_EQ(deflated.read_f32("transposed"), c.values("transposed"));
  const PytorchCheckpoint fake = PytorchCheckpoint::open(c.file("fake_ok.bin"));
  EXPECT_EQ(fake.read_f32("w"), (std::vector<float>{0, 1, 2, 3, 4, 5}));
}

TEST(PytorchCheckpointTest, RefusesPicklesThatWouldRunCode) {
  REQUIRE_CHECKPOINTS();
  const Checkpoints& c = Checkpoints::get();
  expect_error(open_checkpoint, c.file("os_system.bin"), ErrorKind::kUnsupported,
               {"os_system.bin", "refusing to load", "posix.system"});
  expect_error(open_checkpoint, c.file("builtins_eval.bin"), ErrorKind::kUnsupported,
               {"builtins_eval.bin", "refusing to load", "builtins.eval"});
  expect_error([](const std::string& path) { TensorStore::open(path); }, c.file("os_system.bin"),
               ErrorKind::kUnsupported, {"refusing to load"});
  EXPECT_FALSE(std::filesystem::exists(c.file("PWNED")));
}

TEST(PytorchCheckpointTest, RejectsTensorsThatDoNotFitTheirStorage) {
  REQUIRE_CHECKPOINTS();
  const Checkpoints& c = Checkpoints::get();
  expect_error(open_checkpoint, c.file("lying_size.bin"), ErrorKind::kCorrupt,
               {"lying_size.bin", "'w'", "holds 6 F32 elements", "20 bytes"});
  expect_error(open_checkpoint, c.file("past_offset.bin"), ErrorKind::kCorrupt,
               {"past_offset.bin", "'w'", "offset 2", "reaches past storage '0' of 6"});
  expect_error(open_checkpoint, c.file("past_stride.bin"), ErrorKind::kCorrupt,
               {"past_stride.bin", "extent 6", "reaches past"});
  expect_error(open_checkpoint, c.file("not_a_tensor.bin"), ErrorKind::kUnsupported,
               {"not_a_tensor.bin", "'n' is a int, not a tensor"});
  expect_error(open_checkpoint, c.file("unknown_opcode.bin"), ErrorKind::kCorrupt,
               {"unknown_opcode.bin", "archive/data.pkl", "byte 5", "opcode 0xff"});
}

TEST(PytorchCheckpointTest, RejectsLegacyGarbageAndMissingFiles) {
  REQUIRE_CHECKPOINTS();
  const Checkpoints& c = Checkpoints::get();
  expect_error(open_checkpoint, c.file("legacy.bin"), ErrorKind::kUnsupported,
               {"legacy.bin", "legacy (pre-1.6, non-zip)"});
  TempDir dir;
  write_file(dir.file("garbage.bin"), std::string(3000, 'x') + "PK\x05\x06 not really");
  expect_error(open_checkpoint, dir.file("garbage.bin"), ErrorKind::kCorrupt,
               {"garbage.bin", "not a zip archive"});
  write_file(dir.file("empty.bin"), "");
  expect_error(open_checkpoint, dir.file("empty.bin"), ErrorKind::kCorrupt, {"not a zip"});
  expect_error(open_checkpoint, dir.file("absent.bin"), ErrorKind::kNotFound, {"absent.bin"});
}

TEST(PytorchCheckpointTest, TruncatedZipsAreCorrupt) {
  REQUIRE_CHECKPOINTS();
  const std::string bytes = read_file(Checkpoints::get().file("state.bin"));
  TempDir dir;
  const std::string path = dir.file("cut.bin");
  for (const size_t size : {size_t{1}, size_t{4}, size_t{30}, bytes.size() / 4, bytes.size() / 2,
                            bytes.size() - 100, bytes.size() - 22, bytes.size() - 1}) {
    write_file(path, bytes.substr(0, size));
    expect_error(open_checkpoint, path, ErrorKind::kCorrupt, {"cut.bin"});
  }
}

TEST(PytorchCheckpointTest, EveryFlippedByteLoadsOrFailsCleanly) {
  REQUIRE_CHECKPOINTS();
  const std::string bytes = read_file(Checkpoints::get().file("state.bin"));
  TempDir dir;
  const std::string path = dir.file("flipped.bin");
  size_t failures = 0;
  for (size_t i = 0; i < bytes.size(); ++i) {
    std::string flipped = bytes;
    flipped[i] = static_cast<char>(flipped[i] ^ 0xff);
    write_file(path, flipped);
    try {
      const PytorchCheckpoint file = PytorchCheckpoint::open(path);
      for (const TorchTensorRecord& t : file.tensors()) {
        if (t.dtype != SafetensorsDtype::kI64) file.read_f32(t.name);
      }
    } catch (const Error&) {
      ++failures;  // any clipret::Error is fine; a crash or another exception is not
    }
  }
  EXPECT_GT(failures, bytes.size() / 10);  // the headers and the pickle are checked
}

TEST(PytorchCheckpointTest, EveryCutOrFlipOfThePickleFailsCleanly) {
  REQUIRE_CHECKPOINTS();
  // The zip's CRC catches flips in data.pkl before it is parsed: fuzz the unpickler directly.
  ZipArchive zip = ZipArchive::open(Checkpoints::get().file("state.bin"));
  std::string pickle;
  for (const ZipEntry& entry : zip.entries()) {
    if (entry.name.size() > 9 && entry.name.substr(entry.name.size() - 9) == "/data.pkl") {
      pickle = zip.read_entry(entry.name, 1 << 20);
    }
  }
  ASSERT_EQ(parse_torch_pickle(pickle, "state.pkl").size(), Checkpoints::get().references().size());
  for (size_t size = 0; size < pickle.size(); ++size) {
    expect_error([](const std::string& bytes) { parse_torch_pickle(bytes, "cut.pkl"); },
                 pickle.substr(0, size), ErrorKind::kCorrupt, {"cut.pkl: pickle byte"});
  }
  size_t failures = 0;
  for (size_t i = 0; i < pickle.size(); ++i) {
    for (const unsigned char mask : {0x01, 0x80, 0xff}) {
      std::string flipped = pickle;
      flipped[i] = static_cast<char>(flipped[i] ^ mask);
      try {
        parse_torch_pickle(flipped, "flipped.pkl");
      } catch (const Error&) {
        ++failures;  // loading or a clipret::Error are both fine; a crash or another exception not
      }
    }
  }
  EXPECT_GT(failures, pickle.size());
}

// Hand-written pickles for the machine's own checks (no Python needed).
void expect_pickle_error(const std::string& bytes, ErrorKind kind, const std::string& needle) {
  try {
    parse_torch_pickle(bytes, "test.pkl");
    ADD_FAILURE() << "no error for a pickle expecting: " << needle;
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), kind) << e.what();
    EXPECT_NE(std::string(e.what()).find(needle), std::string::npos)
        << e.what() << " [needle: " << needle << "]";
  }
}

TEST(PytorchCheckpointTest, MalformedPicklesGiveClearErrors) {
  using std::string_literals::operator""s;
  EXPECT_TRUE(parse_torch_pickle("\x80\x02}."s, "test.pkl").empty());
  expect_pickle_error(""s, ErrorKind::kCorrupt, "ends without STOP");
  expect_pickle_error("\x80\x02}"s, ErrorKind::kCorrupt, "ends without STOP");
  expect_pickle_error("\x80\x06}."s, ErrorKind::kUnsupported, "protocol 6");
  expect_pickle_error("\x80\x02h\x05."s, ErrorKind::kCorrupt, "memo entry 5 was never stored");
  expect_pickle_error("\x80\x02X\xff\xff\xff\x7f"s, ErrorKind::kCorrupt, "truncated");
  expect_pickle_error("\x80\x02s."s, ErrorKind::kCorrupt, "stack underflow");
  expect_pickle_error("\x80\x02(}(t."s, ErrorKind::kCorrupt, "STOP with 2 values and 1 marks");
  expect_pickle_error("\x80\x02" + std::string(100000, '(') + "."s, ErrorKind::kCorrupt,
                      "100000 marks");
  expect_pickle_error("\x80\x02]."s, ErrorKind::kUnsupported, "holds a list");
  expect_pickle_error("\x80\x02}X\x01\x00\x00\x00w\x8a\x01\xffs."s, ErrorKind::kUnsupported,
                      "'w' is a int");
  expect_pickle_error("\x80\x02\x8a\x09"s + std::string(9, '\x01') + "."s, ErrorKind::kUnsupported,
                      "wider than 64 bits");
  expect_pickle_error(
      "\x80\x02"
      "cos\nsystem\n."s,
      ErrorKind::kUnsupported, "refusing to load: the pickle calls os.system");
  expect_pickle_error("\x80\x02\x8c\x05posix\x8c\x06system\x93."s, ErrorKind::kUnsupported,
                      "calls posix.system");
  expect_pickle_error("\x80\x02\x8c\x05torch\x8c\x0c\x46loatStorage\x93)R."s,
                      ErrorKind::kUnsupported,
                      "torch.FloatStorage, which a state dict never calls");
  // BUILD may set an OrderedDict's attributes (_metadata), nothing else's.
  EXPECT_TRUE(parse_torch_pickle("\x80\x02}}b."s, "test.pkl").empty());
  expect_pickle_error("\x80\x02]}b."s, ErrorKind::kUnsupported, "BUILD sets a list's state");
}

}  // namespace
}  // namespace clipret::model
