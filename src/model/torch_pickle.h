// model/torch_pickle.h: the tensor list of a torch.save checkpoint's data.pkl, read without
// executing it.
//
// torch.save (PyTorch >= 1.6) pickles a state dict (a dict or OrderedDict of name -> tensor)
// with protocol 2: each tensor is torch._utils._rebuild_tensor_v2(storage, offset, size,
// stride, requires_grad, hooks), optionally wrapped in _rebuild_parameter, and each storage is a
// persistent id ('storage', torch.<Dtype>Storage, key, location, numel) whose bytes are the zip
// entry <prefix>/data/<key>. parse_torch_pickle runs the pickle on PickleMachine with an
// allow-list of exactly those globals (plus collections.OrderedDict and the torch dtypes): any
// other import (os.system, builtins.eval, subprocess.*) is refused before anything could call it.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "model/safetensors_file.h"

namespace clipret::model {

// One tensor as the pickle describes it; sizes are not yet checked against the storage bytes
// (PytorchCheckpoint does that). Dtypes reuse the safetensors names.
struct TorchTensorRecord {
  std::string name;
  SafetensorsDtype dtype = SafetensorsDtype::kF32;
  std::vector<int64_t> shape;    // empty for a 0-d scalar; every entry >= 0
  std::vector<int64_t> strides;  // in elements, one per dimension, every entry >= 0
  std::string storage_key;       // names the zip entry <prefix>/data/<storage_key>
  uint64_t storage_offset = 0;   // in elements
  uint64_t storage_numel = 0;    // elements the pickle says the storage holds
};

// Parses data.pkl `bytes`; `name` names it in messages. The top-level object must be a dict or
// OrderedDict of str -> tensor; one whose values include no tensor but that has a dict under
// "state_dict" (else "model") is read through that entry. Returns the tensors in pickle order.
// Throws Error(kUnsupported) "refusing to load" for a global off the allow-list or a call the
// loader does not model, Error(kUnsupported) for a non-tensor value in the state dict,
// Error(kCorrupt) for malformed pickles (see PickleMachine::run) and inconsistent tensors.
std::vector<TorchTensorRecord> parse_torch_pickle(std::string_view bytes, const std::string& name);

}  // namespace clipret::model
