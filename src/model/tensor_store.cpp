#include "model/tensor_store.h"

#include <algorithm>
#include <filesystem>
#include <map>
#include <nlohmann/json.hpp>

#include "core/error.h"
#include "model/json_fields.h"
#include "model/tensor_file.h"

namespace clipret::model {

namespace {

constexpr const char* kIndexSuffix = ".index.json";

bool ends_with(const std::string& s, const std::string& suffix) {
  return s.size() >= suffix.size() &&
         s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

}  // namespace

std::string weights_file_in(const std::string& folder) {
  for (const char* name : {"model.safetensors", "model.safetensors.index.json", "pytorch_model.bin",
                           "pytorch_model.bin.index.json"}) {
    const std::string path = (std::filesystem::path(folder) / name).string();
    std::error_code ec;
    if (std::filesystem::is_regular_file(path, ec)) return path;
  }
  return "";
}

std::string find_weights_file(const std::string& folder) {
  std::string path = weights_file_in(folder);
  CLIPRET_CHECK(!path.empty(), NotFound,
                "%s: no weights (model.safetensors, pytorch_model.bin or a sharded index of "
                "either)",
                folder.c_str());
  return path;
}

std::string shape_to_string(const std::vector<int64_t>& shape) {
  std::string out = "[";
  for (size_t i = 0; i < shape.size(); ++i) {
    if (i > 0) out += ", ";
    out += std::to_string(shape[i]);
  }
  return out + "]";
}

struct TensorStore::Impl {
  std::string path;
  std::vector<std::unique_ptr<TensorFile>> files;
  std::map<std::string, size_t> file_of;  // tensor name -> index into files
};

TensorStore::TensorStore(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
TensorStore::TensorStore(TensorStore&& other) noexcept = default;
TensorStore& TensorStore::operator=(TensorStore&& other) noexcept = default;
TensorStore::~TensorStore() = default;

TensorStore TensorStore::open(const std::string& path) {
  auto impl = std::make_unique<Impl>();
  impl->path = path;
  if (!ends_with(path, kIndexSuffix)) {
    impl->files.push_back(open_tensor_file(path));
    for (const std::string& name : impl->files[0]->names()) impl->file_of.emplace(name, 0);
    return TensorStore(std::move(impl));
  }

  const char* p = path.c_str();
  const nlohmann::json index = read_json_file(path);
  const auto map_it = index.find("weight_map");
  CLIPRET_CHECK(map_it != index.end() && map_it->is_object(), Corrupt,
                "%s: missing object 'weight_map'", p);
  const std::filesystem::path folder = std::filesystem::path(path).parent_path();
  std::map<std::string, size_t> shard_index;
  for (const auto& [name, shard_json] : map_it->items()) {
    CLIPRET_CHECK(shard_json.is_string(), Corrupt, "%s: weight_map['%s'] is not a string", p,
                  name.c_str());
    const std::string& shard = shard_json.get_ref<const std::string&>();
    const std::filesystem::path shard_path(shard);
    bool escapes = shard_path.is_absolute() || shard.empty();
    for (const auto& part : shard_path) escapes = escapes || part == "..";
    CLIPRET_CHECK(!escapes, Corrupt, "%s: weight_map['%s'] = '%s' leaves the checkpoint folder", p,
                  name.c_str(), shard.c_str());
    auto [it, inserted] = shard_index.emplace(shard, impl->files.size());
    if (inserted) impl->files.push_back(open_tensor_file((folder / shard_path).string()));
    const TensorFile& file = *impl->files[it->second];
    CLIPRET_CHECK(file.shape(name) != nullptr, Corrupt,
                  "%s: tensor '%s' is listed in %s but absent", p, name.c_str(),
                  file.path().c_str());
    impl->file_of.emplace(name, it->second);
  }
  return TensorStore(std::move(impl));
}

const std::string& TensorStore::path() const {
  return impl_->path;
}

bool TensorStore::has(const std::string& name) const {
  return impl_->file_of.count(name) > 0;
}

std::vector<int64_t> TensorStore::shape(const std::string& name) const {
  const auto it = impl_->file_of.find(name);
  CLIPRET_CHECK(it != impl_->file_of.end(), Corrupt, "%s: checkpoint lacks tensor '%s'",
                impl_->path.c_str(), name.c_str());
  return *impl_->files[it->second]->shape(name);
}

std::vector<std::string> TensorStore::names() const {
  std::vector<std::string> out;
  for (const auto& entry : impl_->file_of) out.push_back(entry.first);
  return out;
}

const TensorFile& TensorStore::checked_file(const std::string& name,
                                            const std::vector<int64_t>& expected_shape) const {
  const auto it = impl_->file_of.find(name);
  CLIPRET_CHECK(it != impl_->file_of.end(), Corrupt, "%s: checkpoint lacks tensor '%s'",
                impl_->path.c_str(), name.c_str());
  const TensorFile& file = *impl_->files[it->second];
  const std::vector<int64_t>& shape = *file.shape(name);
  CLIPRET_CHECK(shape == expected_shape, Corrupt,
                "%s: tensor '%s' has shape %s but the model config needs %s", file.path().c_str(),
                name.c_str(), shape_to_string(shape).c_str(),
                shape_to_string(expected_shape).c_str());
  return file;
}

std::vector<float> TensorStore::read_f32(const std::string& name,
                                         const std::vector<int64_t>& expected_shape) const {
  return checked_file(name, expected_shape).read_f32(name);
}

void TensorStore::read_f32_range(const std::string& name,
                                 const std::vector<int64_t>& expected_shape, size_t first,
                                 size_t count, float* out) const {
  checked_file(name, expected_shape).read_f32_range(name, first, count, out);
}

}  // namespace clipret::model
