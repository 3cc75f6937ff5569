// tests/model/checkpoint_builder.h: rewrites the clip_tiny_hf fixture into other checkpoint
// shapes (OpenCLIP names, shards, half precision, damaged tensors) for the loader tests.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "model/safetensors_file.h"
#include "model/safetensors_writer.h"
#include "model_fixture.h"

namespace clipret::testing {

using TensorMap = std::map<std::string, model::SafetensorsTensorData>;

// Every tensor of the fixture's model.safetensors, as float32.
inline TensorMap tiny_clip_tensors() {
  const model::SafetensorsFile file =
      model::SafetensorsFile::open(fixture_path("clip_tiny_hf/model.safetensors"));
  TensorMap out;
  for (const model::SafetensorsTensorInfo& info : file.tensors()) {
    out[info.name] = {info.name, info.shape, file.read_f32(info.name)};
  }
  return out;
}

inline std::vector<model::SafetensorsTensorData> as_list(const TensorMap& tensors) {
  std::vector<model::SafetensorsTensorData> out;
  for (const auto& entry : tensors) out.push_back(entry.second);
  return out;
}

// Copies the fixture's config.json and the given tensors as model.safetensors into `dir`.
inline void write_hf_checkpoint(const TempDir& dir, const TensorMap& tensors) {
  write_file(dir.file("config.json"), read_file(fixture_path("clip_tiny_hf/config.json")));
  model::write_safetensors(dir.file("model.safetensors"), as_list(tensors), {{"format", "pt"}});
}

inline model::SafetensorsTensorData transposed(const model::SafetensorsTensorData& t,
                                               const std::string& name) {
  const int64_t rows = t.shape[0];
  const int64_t cols = t.shape[1];
  model::SafetensorsTensorData out{name, {cols, rows}, std::vector<float>(t.values.size())};
  for (int64_t r = 0; r < rows; ++r) {
    for (int64_t c = 0; c < cols; ++c) out.values[c * rows + r] = t.values[r * cols + c];
  }
  return out;
}

// The fixture in OpenCLIP / OpenAI state-dict names (clip-inference-notes §2.2): fused in_proj,
// projections transposed to width x embed_dim.
inline TensorMap to_open_clip(const TensorMap& hf) {
  TensorMap out;
  auto put = [&](const std::string& to, const std::string& from) {
    out[to] = hf.at(from);
    out[to].name = to;
  };
  auto blocks = [&](const std::string& from_prefix, const std::string& to_prefix, int layers) {
    for (int i = 0; i < layers; ++i) {
      const std::string f = from_prefix + std::to_string(i) + ".";
      const std::string t = to_prefix + std::to_string(i) + ".";
      for (const char* part : {"weight", "bias"}) {
        const std::string p = part;
        put(t + "ln_1." + p, f + "layer_norm1." + p);
        put(t + "ln_2." + p, f + "layer_norm2." + p);
        put(t + "attn.out_proj." + p, f + "self_attn.out_proj." + p);
        put(t + "mlp.c_fc." + p, f + "mlp.fc1." + p);
        put(t + "mlp.c_proj." + p, f + "mlp.fc2." + p);
        model::SafetensorsTensorData fused = hf.at(f + "self_attn.q_proj." + p);
        fused.name = t + "attn.in_proj_" + p;
        fused.shape[0] *= 3;
        for (const char* other : {"k_proj.", "v_proj."}) {
          const auto& values = hf.at(f + "self_attn." + other + p).values;
          fused.values.insert(fused.values.end(), values.begin(), values.end());
        }
        out[fused.name] = fused;
      }
    }
  };
  put("visual.conv1.weight", "vision_model.embeddings.patch_embedding.weight");
  put("visual.class_embedding", "vision_model.embeddings.class_embedding");
  put("visual.positional_embedding", "vision_model.embeddings.position_embedding.weight");
  put("visual.ln_pre.weight", "vision_model.pre_layrnorm.weight");
  put("visual.ln_pre.bias", "vision_model.pre_layrnorm.bias");
  blocks("vision_model.encoder.layers.", "visual.transformer.resblocks.", 2);
  put("visual.ln_post.weight", "vision_model.post_layernorm.weight");
  put("visual.ln_post.bias", "vision_model.post_layernorm.bias");
  out["visual.proj"] = transposed(hf.at("visual_projection.weight"), "visual.proj");
  put("token_embedding.weight", "text_model.embeddings.token_embedding.weight");
  put("positional_embedding", "text_model.embeddings.position_embedding.weight");
  blocks("text_model.encoder.layers.", "transformer.resblocks.", 2);
  put("ln_final.weight", "text_model.final_layer_norm.weight");
  put("ln_final.bias", "text_model.final_layer_norm.bias");
  out["text_projection"] = transposed(hf.at("text_projection.weight"), "text_projection");
  if (hf.count("logit_scale") > 0) put("logit_scale", "logit_scale");
  return out;
}

// open_clip_config.json for the fixture's sizes.
inline const char* kTinyOpenClipConfig = R"({
  "model_cfg": {
    "embed_dim": 16,
    "quick_gelu": true,
    "vision_cfg": {"image_size": 224, "layers": 2, "width": 64, "patch_size": 32, "head_width": 16},
    "text_cfg": {"context_length": 77, "vocab_size": 49408, "width": 32, "heads": 4, "layers": 2}
  },
  "preprocess_cfg": {"mean": [0.5, 0.5, 0.5], "std": [0.5, 0.5, 0.5], "interpolation": "bicubic",
                     "resize_mode": "shortest"}
})";

}  // namespace clipret::testing
