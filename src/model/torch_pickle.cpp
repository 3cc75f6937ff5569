#include "model/torch_pickle.h"

#include <unordered_map>
#include <utility>

#include "core/error.h"
#include "model/pickle_machine.h"

namespace clipret::model {

namespace {

enum class Role {
  kOrderedDict,
  kRebuildTensor,     // _rebuild_tensor_v2(storage, offset, size, stride, grad, hooks[, metadata])
  kRebuildParameter,  // _rebuild_parameter(tensor, grad, hooks)
  kRebuildParameterWithState,  // _rebuild_parameter_with_state(tensor, grad, hooks, state)
  kStorageType,                // torch.<Dtype>Storage in a persistent id; never called
};

struct AllowedGlobal {
  const char* module;
  const char* name;
  Role role;
  SafetensorsDtype dtype;  // kStorageType only
};

// Everything a state dict of dense CPU tensors pickles. The rest of the world is refused.
constexpr AllowedGlobal kAllowed[] = {
    {"collections", "OrderedDict", Role::kOrderedDict, SafetensorsDtype::kF32},
    {"torch._utils", "_rebuild_tensor_v2", Role::kRebuildTensor, SafetensorsDtype::kF32},
    {"torch._utils", "_rebuild_parameter", Role::kRebuildParameter, SafetensorsDtype::kF32},
    {"torch._utils", "_rebuild_parameter_with_state", Role::kRebuildParameterWithState,
     SafetensorsDtype::kF32},
    {"torch", "FloatStorage", Role::kStorageType, SafetensorsDtype::kF32},
    {"torch", "HalfStorage", Role::kStorageType, SafetensorsDtype::kF16},
    {"torch", "BFloat16Storage", Role::kStorageType, SafetensorsDtype::kBF16},
    {"torch", "DoubleStorage", Role::kStorageType, SafetensorsDtype::kF64},
    {"torch", "LongStorage", Role::kStorageType, SafetensorsDtype::kI64},
    {"torch", "IntStorage", Role::kStorageType, SafetensorsDtype::kI32},
    {"torch", "ShortStorage", Role::kStorageType, SafetensorsDtype::kI16},
    {"torch", "CharStorage", Role::kStorageType, SafetensorsDtype::kI8},
    {"torch", "ByteStorage", Role::kStorageType, SafetensorsDtype::kU8},
    {"torch", "BoolStorage", Role::kStorageType, SafetensorsDtype::kBool},
};

struct Storage {
  std::string key;
  SafetensorsDtype dtype;
  uint64_t numel;
};

// The values a state dict is made of: tensors point to storages by index.
struct Tensor {
  size_t storage;
  uint64_t offset;
  std::vector<int64_t> shape, strides;
};

class TorchHooks final : public PickleHooks {
 public:
  int64_t find_global(PickleMachine& m, const std::string& module,
                      const std::string& name) override {
    for (size_t i = 0; i < std::size(kAllowed); ++i) {
      if (module == kAllowed[i].module && name == kAllowed[i].name) return static_cast<int64_t>(i);
    }
    CLIPRET_THROW(Unsupported,
                  "%s: refusing to load: the pickle calls %s.%s, which is not part of a tensor "
                  "state dict (only torch.save'd dicts of tensors load)",
                  m.where().c_str(), module.c_str(), name.c_str());
  }

  PickleId reduce(PickleMachine& m, PickleId callable, PickleId args_id) override {
    const AllowedGlobal& global = kAllowed[m.at(callable).number];
    const std::vector<PickleId> args = m.at(args_id).items;
    const std::string where = m.where();
    const char* w = where.c_str();
    const std::string callee = m.at(callable).text;  // a copy: m.add() moves the arena
    const char* f = callee.c_str();
    switch (global.role) {
      case Role::kOrderedDict: {
        CLIPRET_CHECK(args.empty(), Unsupported, "%s: %s() with arguments", w, f);
        PickleObject dict;
        dict.kind = PickleKind::kDict;
        return m.add(std::move(dict));
      }
      case Role::kRebuildTensor: {
        CLIPRET_CHECK(args.size() == 6 || args.size() == 7, Corrupt,
                      "%s: %s takes 6 or 7 arguments, got %zu", w, f, args.size());
        const auto storage = storage_of_.find(args[0]);
        CLIPRET_CHECK(storage != storage_of_.end(), Corrupt,
                      "%s: %s's first argument is not a storage", w, f);
        Tensor tensor;
        tensor.storage = storage->second;
        tensor.offset = non_negative(m, args[1], "storage offset");
        tensor.shape = int_tuple(m, args[2], "size");
        tensor.strides = int_tuple(m, args[3], "stride");
        CLIPRET_CHECK(tensor.shape.size() == tensor.strides.size(), Corrupt,
                      "%s: size has %zu dimensions but stride %zu", w, tensor.shape.size(),
                      tensor.strides.size());
        // args[4] requires_grad, args[5] backward hooks, args[6] Python attributes: training state
        // that a loader of weights ignores.
        const PickleId id = m.add(PickleObject{PickleKind::kExternal, 0, 0, "", {}});
        tensor_of_.emplace(id, tensors_.size());
        tensors_.push_back(std::move(tensor));
        return id;
      }
      case Role::kRebuildParameter:
      case Role::kRebuildParameterWithState: {
        const size_t want = global.role == Role::kRebuildParameter ? 3 : 4;
        CLIPRET_CHECK(args.size() == want, Corrupt, "%s: %s takes %zu arguments, got %zu", w, f,
                      want, args.size());
        CLIPRET_CHECK(tensor_of_.count(args[0]) > 0, Corrupt,
                      "%s: %s's first argument is not a tensor", w, f);
        return args[0];  // a Parameter is its tensor plus training flags
      }
      case Role::kStorageType:
        break;
    }
    CLIPRET_THROW(Unsupported,
                  "%s: refusing to load: the pickle calls %s, which a state dict "
                  "never calls",
                  w, f);
  }

  void build(PickleMachine& m, PickleId object, PickleId state) override {
    // OrderedDict state dicts carry `_metadata` (per-module versions) as instance attributes.
    CLIPRET_CHECK(m.at(object).kind == PickleKind::kDict && m.at(state).kind == PickleKind::kDict,
                  Unsupported, "%s: refusing to load: BUILD sets a %s's state from a %s",
                  m.where().c_str(), pickle_kind_name(m.at(object).kind),
                  pickle_kind_name(m.at(state).kind));
  }

  PickleId persistent_load(PickleMachine& m, PickleId pid) override {
    const std::string where = m.where();
    const char* w = where.c_str();
    const PickleObject& tuple = m.at(pid);
    CLIPRET_CHECK(tuple.kind == PickleKind::kTuple && tuple.items.size() == 5, Corrupt,
                  "%s: persistent id is not ('storage', type, key, location, numel)", w);
    const PickleObject& tag = m.at(tuple.items[0]);
    const PickleObject& type = m.at(tuple.items[1]);
    const PickleObject& key = m.at(tuple.items[2]);
    const PickleObject& location = m.at(tuple.items[3]);
    CLIPRET_CHECK(tag.kind == PickleKind::kString && tag.text == "storage", Corrupt,
                  "%s: persistent id does not start with 'storage'", w);
    CLIPRET_CHECK(
        type.kind == PickleKind::kGlobal && kAllowed[type.number].role == Role::kStorageType,
        Corrupt, "%s: persistent id's storage type is not a torch storage class", w);
    CLIPRET_CHECK(key.kind == PickleKind::kString && location.kind == PickleKind::kString, Corrupt,
                  "%s: persistent id's key and location must be strings", w);
    Storage storage{key.text, kAllowed[type.number].dtype,
                    non_negative(m, tuple.items[4], "storage size")};
    // One storage backs every view of it (tied weights): each mention must agree.
    const auto [it, fresh] = storage_by_key_.emplace(storage.key, storages_.size());
    if (fresh) {
      storages_.push_back(storage);
    } else {
      const Storage& first = storages_[it->second];
      CLIPRET_CHECK(
          first.dtype == storage.dtype && first.numel == storage.numel, Corrupt,
          "%s: storage '%s' is %s x %llu here but %s x %llu before", w, storage.key.c_str(),
          safetensors_dtype_name(storage.dtype), static_cast<unsigned long long>(storage.numel),
          safetensors_dtype_name(first.dtype), static_cast<unsigned long long>(first.numel));
    }
    const PickleId id = m.add(PickleObject{PickleKind::kExternal, 0, 0, "", {}});
    storage_of_.emplace(id, it->second);
    return id;
  }

  // The tensor an id stands for; null when it is something else.
  const Tensor* tensor(PickleId id) const {
    const auto it = tensor_of_.find(id);
    return it == tensor_of_.end() ? nullptr : &tensors_[it->second];
  }
  const Storage& storage(size_t index) const { return storages_[index]; }

 private:
  static uint64_t non_negative(PickleMachine& m, PickleId id, const char* what) {
    const PickleObject& value = m.at(id);
    CLIPRET_CHECK(value.kind == PickleKind::kInt && value.number >= 0, Corrupt,
                  "%s: %s must be a non-negative int", m.where().c_str(), what);
    return static_cast<uint64_t>(value.number);
  }

  static std::vector<int64_t> int_tuple(PickleMachine& m, PickleId id, const char* what) {
    const PickleObject& tuple = m.at(id);
    CLIPRET_CHECK(tuple.kind == PickleKind::kTuple, Corrupt, "%s: %s must be a tuple",
                  m.where().c_str(), what);
    std::vector<int64_t> out;
    for (const PickleId item : tuple.items) {
      out.push_back(static_cast<int64_t>(non_negative(m, item, what)));
    }
    return out;
  }

  std::vector<Storage> storages_;
  std::unordered_map<std::string, size_t> storage_by_key_;
  std::unordered_map<PickleId, size_t> storage_of_;
  std::vector<Tensor> tensors_;
  std::unordered_map<PickleId, size_t> tensor_of_;
};

// The value under string key `key` of dict `dict`, or null.
const PickleObject* dict_value(const PickleMachine& m, const PickleObject& dict, const char* key) {
  const PickleObject* found = nullptr;
  for (size_t i = 0; i + 1 < dict.items.size(); i += 2) {
    const PickleObject& k = m.at(dict.items[i]);
    if (k.kind == PickleKind::kString && k.text == key) found = &m.at(dict.items[i + 1]);
  }
  return found;
}

}  // namespace

std::vector<TorchTensorRecord> parse_torch_pickle(std::string_view bytes, const std::string& name) {
  const char* n = name.c_str();
  PickleMachine machine(bytes, name);
  TorchHooks hooks;
  const PickleObject* dict = &machine.at(machine.run(hooks));
  CLIPRET_CHECK(dict->kind == PickleKind::kDict, Unsupported,
                "%s: the pickle holds a %s, not a state dict", n, pickle_kind_name(dict->kind));
  bool has_tensor = false;
  for (size_t i = 1; i < dict->items.size(); i += 2)
    has_tensor |= hooks.tensor(dict->items[i]) != nullptr;
  if (!has_tensor) {
    // Training checkpoints wrap the weights: {"epoch": ..., "state_dict": {...}, ...}.
    for (const char* key : {"state_dict", "model"}) {
      const PickleObject* inner = dict_value(machine, *dict, key);
      if (inner != nullptr && inner->kind == PickleKind::kDict) {
        dict = inner;
        break;
      }
    }
  }

  std::vector<TorchTensorRecord> records;
  std::unordered_map<std::string, size_t> index;  // a repeated key: the last value wins
  for (size_t i = 0; i + 1 < dict->items.size(); i += 2) {
    const PickleObject& key = machine.at(dict->items[i]);
    CLIPRET_CHECK(key.kind == PickleKind::kString, Unsupported,
                  "%s: state dict key %zu is a %s, not a str", n, i / 2,
                  pickle_kind_name(key.kind));
    const Tensor* tensor = hooks.tensor(dict->items[i + 1]);
    CLIPRET_CHECK(tensor != nullptr, Unsupported, "%s: state dict entry '%s' is a %s, not a tensor",
                  n, key.text.c_str(), pickle_kind_name(machine.at(dict->items[i + 1]).kind));
    const Storage& storage = hooks.storage(tensor->storage);
    TorchTensorRecord record{key.text,    storage.dtype,  tensor->shape, tensor->strides,
                             storage.key, tensor->offset, storage.numel};
    const auto [it, fresh] = index.emplace(key.text, records.size());
    if (fresh) {
      records.push_back(std::move(record));
    } else {
      records[it->second] = std::move(record);
    }
  }
  return records;
}

}  // namespace clipret::model
