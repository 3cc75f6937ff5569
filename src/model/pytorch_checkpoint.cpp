#include "model/pytorch_checkpoint.h"

#include <unordered_map>
#include <utility>

#include "core/error.h"
#include "core/random_access_file.h"
#include "model/zip_archive.h"

namespace clipret::model {

namespace {

constexpr const char* kPickleName = "data.pkl";
constexpr unsigned char kPickleProto = 0x80;  // a pickle's first opcode, PROTO
constexpr unsigned kMaxPickleProtocol = 5;
constexpr uint64_t kMaxByteorderBytes = 16;

unsigned long long ull(uint64_t value) {
  return static_cast<unsigned long long>(value);
}

// Where a tensor's elements lie, computed once at open.
struct Layout {
  uint64_t data_offset = 0;  // file offset of the storage's first byte
  uint64_t count = 0;        // elements of the tensor (product of shape)
  uint64_t span = 0;         // elements from storage_offset to the farthest one, inclusive
  size_t element_bytes = 0;
  bool contiguous = true;  // row-major without gaps
};

// torch.save before 1.6 wrote a bare pickle stream (magic number, protocol, sys info, ...).
void reject_legacy_format(const core::RandomAccessFile& file) {
  unsigned char head[2] = {0, 0};
  if (file.size() < sizeof(head)) return;  // ZipArchive reports it as not a zip
  file.read_at(0, sizeof(head), head);
  CLIPRET_CHECK(head[0] != kPickleProto || head[1] > kMaxPickleProtocol, Unsupported,
                "%s: a legacy (pre-1.6, non-zip) torch.save file; re-save it with torch >= 1.6 "
                "(torch.save(torch.load(f), f)) or convert it to safetensors",
                file.name().c_str());
}

// The one "<prefix>/data.pkl" of the archive; returns "<prefix>/".
std::string find_prefix(const ZipArchive& zip) {
  std::string prefix;
  size_t found = 0;
  for (const ZipEntry& entry : zip.entries()) {
    const size_t slash = entry.name.find('/');
    if (slash != std::string::npos &&
        entry.name.compare(slash + 1, std::string::npos, kPickleName) == 0) {
      prefix = entry.name.substr(0, slash + 1);
      ++found;
    }
  }
  CLIPRET_CHECK(found == 1, Corrupt, "%s: %s <prefix>/data.pkl entry: not a torch.save checkpoint",
                zip.path().c_str(), found == 0 ? "no" : "more than one");
  return prefix;
}

Layout layout_of(const TorchTensorRecord& t, const ZipArchive& zip, const std::string& prefix) {
  const char* p = zip.path().c_str();
  const char* n = t.name.c_str();
  const std::string entry_name = prefix + "data/" + t.storage_key;
  const ZipEntry* entry = zip.find(entry_name);
  CLIPRET_CHECK(entry != nullptr, Corrupt, "%s: tensor '%s': storage entry '%s' is missing", p, n,
                entry_name.c_str());
  CLIPRET_CHECK(entry->stored(), Unsupported,
                "%s: tensor '%s': storage entry '%s' is compressed (method %u); torch.save stores "
                "storages uncompressed",
                p, n, entry_name.c_str(), static_cast<unsigned>(entry->method));
  Layout layout;
  layout.data_offset = entry->data_offset;
  layout.element_bytes = safetensors_dtype_bits(t.dtype) / 8;
  CLIPRET_CHECK(t.storage_numel <= UINT64_MAX / layout.element_bytes &&
                    t.storage_numel * layout.element_bytes == entry->size,
                Corrupt,
                "%s: tensor '%s': the pickle says storage '%s' holds %llu %s elements but its "
                "entry has %llu bytes",
                p, n, t.storage_key.c_str(), ull(t.storage_numel), safetensors_dtype_name(t.dtype),
                ull(entry->size));

  uint64_t count = 1;
  uint64_t farthest = 0;  // largest element index relative to storage_offset
  uint64_t expected_stride = 1;
  for (size_t d = t.shape.size(); d-- > 0;) {
    const auto size = static_cast<uint64_t>(t.shape[d]);
    const auto stride = static_cast<uint64_t>(t.strides[d]);
    CLIPRET_CHECK(size == 0 || count <= UINT64_MAX / size, Corrupt,
                  "%s: tensor '%s': shape product overflows", p, n);
    count *= size;
    if (size > 1) {
      CLIPRET_CHECK(stride <= (UINT64_MAX - farthest) / (size - 1), Corrupt,
                    "%s: tensor '%s': strided extent overflows", p, n);
      farthest += (size - 1) * stride;
      layout.contiguous = layout.contiguous && stride == expected_stride;
      expected_stride *= size;  // <= count, so no overflow
    }
  }
  layout.count = count;
  if (count == 0) return layout;  // touches no element: any offset inside the storage will do
  CLIPRET_CHECK(
      t.storage_offset < t.storage_numel && farthest < t.storage_numel - t.storage_offset, Corrupt,
      "%s: tensor '%s': offset %llu plus strided extent %llu reaches past storage '%s' "
      "of %llu elements",
      p, n, ull(t.storage_offset), ull(farthest), t.storage_key.c_str(), ull(t.storage_numel));
  layout.span = farthest + 1;
  return layout;
}

}  // namespace

struct PytorchCheckpoint::Impl {
  std::unique_ptr<core::RandomAccessFile> file;
  std::vector<TorchTensorRecord> tensors;
  std::vector<Layout> layouts;  // parallel to tensors
  std::unordered_map<std::string, size_t> index;
};

PytorchCheckpoint::PytorchCheckpoint(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
PytorchCheckpoint::PytorchCheckpoint(PytorchCheckpoint&& other) noexcept = default;
PytorchCheckpoint& PytorchCheckpoint::operator=(PytorchCheckpoint&& other) noexcept = default;
PytorchCheckpoint::~PytorchCheckpoint() = default;

PytorchCheckpoint PytorchCheckpoint::open(const std::string& path) {
  const char* p = path.c_str();
  auto impl = std::make_unique<Impl>();
  impl->file = core::open_random_access_file(path);
  reject_legacy_format(*impl->file);
  ZipArchive zip = ZipArchive::open(path);
  CLIPRET_CHECK(zip.file_size() == impl->file->size(), Io, "%s: the file changed while opening", p);
  const std::string prefix = find_prefix(zip);
  if (zip.find(prefix + "byteorder") != nullptr) {
    const std::string order = zip.read_entry(prefix + "byteorder", kMaxByteorderBytes);
    CLIPRET_CHECK(order == "little", Unsupported,
                  "%s: storages are '%s'-endian; only little-endian checkpoints load", p,
                  order.c_str());
  }
  const std::string pickle = zip.read_entry(prefix + kPickleName, kTorchMaxPickleBytes);
  impl->tensors = parse_torch_pickle(pickle, path + ": " + prefix + kPickleName);
  for (const TorchTensorRecord& tensor : impl->tensors) {
    impl->index.emplace(tensor.name, impl->layouts.size());
    impl->layouts.push_back(layout_of(tensor, zip, prefix));
  }
  return PytorchCheckpoint(std::move(impl));
}

const std::string& PytorchCheckpoint::path() const {
  return impl_->file->name();
}

const std::vector<TorchTensorRecord>& PytorchCheckpoint::tensors() const {
  return impl_->tensors;
}

const TorchTensorRecord* PytorchCheckpoint::find(const std::string& name) const {
  const auto it = impl_->index.find(name);
  return it == impl_->index.end() ? nullptr : &impl_->tensors[it->second];
}

std::vector<float> PytorchCheckpoint::read_f32(const std::string& name) const {
  const auto it = impl_->index.find(name);
  CLIPRET_CHECK(it != impl_->index.end(), NotFound, "%s: no tensor '%s'", path().c_str(),
                name.c_str());
  const TorchTensorRecord& t = impl_->tensors[it->second];
  const Layout& layout = impl_->layouts[it->second];
  CLIPRET_CHECK(t.dtype == SafetensorsDtype::kF32 || t.dtype == SafetensorsDtype::kF16 ||
                    t.dtype == SafetensorsDtype::kBF16,
                Unsupported, "%s: tensor '%s' has dtype %s; only F32, F16 and BF16 load",
                path().c_str(), name.c_str(), safetensors_dtype_name(t.dtype));
  std::vector<float> out(layout.count);
  if (layout.count == 0) return out;
  const uint64_t begin = layout.data_offset + t.storage_offset * layout.element_bytes;
  if (layout.contiguous && t.dtype == SafetensorsDtype::kF32) {
    impl_->file->read_at(begin, out.size() * sizeof(float), out.data());  // no staging copy
    return out;
  }
  std::vector<unsigned char> span(layout.span * layout.element_bytes);
  impl_->file->read_at(begin, span.size(), span.data());
  if (layout.contiguous) {
    convert_to_f32(t.dtype, span.data(), out.size(), out.data());
    return out;
  }
  // A saved view (a transpose, a slice of a tied weight): walk the index space row by row, the
  // last dimension innermost. Rank >= 1 here: a 0-d tensor is contiguous.
  const size_t rank = t.shape.size();
  const auto inner = static_cast<uint64_t>(t.shape[rank - 1]);
  const auto inner_stride = static_cast<uint64_t>(t.strides[rank - 1]);
  std::vector<int64_t> position(rank - 1, 0);
  uint64_t base = 0;  // element index of the row's first element, relative to storage_offset
  for (uint64_t row_start = 0; row_start < layout.count; row_start += inner) {
    float* dst = out.data() + row_start;
    if (inner_stride == 1) {
      convert_to_f32(t.dtype, span.data() + base * layout.element_bytes, inner, dst);
    } else {
      for (uint64_t j = 0; j < inner; ++j) {
        convert_to_f32(t.dtype, span.data() + (base + j * inner_stride) * layout.element_bytes, 1,
                       dst + j);
      }
    }
    for (size_t d = rank - 1; d-- > 0;) {  // odometer over the outer dimensions
      base += static_cast<uint64_t>(t.strides[d]);
      if (++position[d] < t.shape[d]) break;
      base -= static_cast<uint64_t>(t.strides[d]) * static_cast<uint64_t>(t.shape[d]);
      position[d] = 0;
    }
  }
  return out;
}

}  // namespace clipret::model
