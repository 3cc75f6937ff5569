// tests/search/index_fixture.h: an index folder built from generated data with the tiny fixture
// CLIP, as `clip-retrieval index` would leave it: image.index / text.index (faiss,
// inner product over normalised vectors) and metadata/metadata_{0,1}.parquet.
//
// Rows 0..9 are the preprocess fixture images (real files, so `image` can be checked), rows
// 10..kRandomRows+9 random unit vectors, and the last row a near-copy of row 0 (a duplicate for
// dedup). Captions embed into text.index. The vectors are kept for brute-force truth.
#pragma once

#include <faiss/IndexFlat.h>
#include <faiss/IndexIVF.h>
#include <faiss/index_factory.h>
#include <faiss/index_io.h>
#include <faiss/invlists/OnDiskInvertedLists.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <numeric>
#include <random>
#include <string>
#include <vector>

#include "hub/clip_loader.h"
#include "model/safetensors_file.h"
#include "model/safetensors_writer.h"
#include "parquet/parquet_writer.h"
#include "test_util.h"
#include "tiny_model.h"

namespace clipret::testing {

inline void normalize(float* v, size_t dim) {
  double sum = 0;
  for (size_t j = 0; j < dim; ++j) sum += double(v[j]) * v[j];
  const float scale = static_cast<float>(1.0 / std::sqrt(sum));
  for (size_t j = 0; j < dim; ++j) v[j] *= scale;
}

// A second model of the fixture's shape: every weight of clip_tiny_hf scaled by its own factor
// in [0.7, 1.3], so its embeddings differ from the fixture's. Written as <dir>/<name>.
inline std::string make_perturbed_tiny_model_folder(const TempDir& dir, const std::string& name) {
  namespace fs = std::filesystem;
  const fs::path folder = dir.path() / name;
  fs::create_directories(folder);
  const model::SafetensorsFile file =
      model::SafetensorsFile::open(fixture_path("clip_tiny_hf/model.safetensors"));
  std::vector<model::SafetensorsTensorData> tensors;
  for (const model::SafetensorsTensorInfo& info : file.tensors()) {
    std::vector<float> values = file.read_f32(info.name);
    for (size_t i = 0; i < values.size(); ++i) {
      values[i] *= 1.0f + 0.3f * std::sin(0.37f * static_cast<float>(i));
    }
    tensors.push_back({info.name, info.shape, std::move(values)});
  }
  model::write_safetensors((folder / "model.safetensors").string(), tensors);
  fs::copy_file(fixture_path("clip_tiny_hf/config.json"), folder / "config.json");
  for (const char* file_name : {"vocab.json", "merges.txt"}) {
    fs::create_symlink(fixture_path(std::string("tokenizer/") + file_name), folder / file_name);
  }
  return folder.string();
}

inline hub::LoadedClip load_tiny_clip(const std::string& model_folder) {
  hub::HubOptions hub_options;
  hub_options.offline = true;
  hub_options.show_progress = false;
  return hub::load_clip(model_folder, hub_options, model::ClipModelOptions{});
}

// Embeds `text` as the server does: tokenize (truncating), encode, normalise.
inline std::vector<float> embed_text(hub::LoadedClip& clip, const std::string& text) {
  const std::vector<int32_t> ids = clip.tokenizer->tokenize(text);
  std::vector<float> out(static_cast<size_t>(clip.model.embed_dim()));
  clip.model.encode_text(ids.data(), 1, out.data());
  normalize(out.data(), out.size());
  return out;
}

inline std::vector<float> embed_image_file(hub::LoadedClip& clip, const std::string& path) {
  const std::string bytes = read_file(path);
  const auto side = static_cast<size_t>(clip.preprocess.size);
  std::vector<float> pixels(3 * side * side);
  if (image::preprocess_clip(reinterpret_cast<const uint8_t*>(bytes.data()), bytes.size(),
                             clip.preprocess, pixels.data())) {
    std::abort();
  }
  std::vector<float> out(static_cast<size_t>(clip.model.embed_dim()));
  clip.model.encode_image(pixels.data(), 1, out.data());
  normalize(out.data(), out.size());
  return out;
}

struct IndexFixture {
  static constexpr size_t kRandomRows = 300;

  std::string model_folder;
  std::string folder;  // the index folder
  size_t dim = 0;
  size_t rows = 0;
  std::vector<std::string> images;    // rows 0..9
  std::vector<float> image_vectors;   // rows x dim
  std::vector<float> text_vectors;    // rows x dim
  std::vector<std::string> captions;  // per row
  std::vector<std::string> urls;
  std::vector<std::string> image_paths;

  // Builds the folder `<dir>/<name>` with `image_key` for image.index and, unless empty,
  // `text_key` for text.index, embedding with the model in `model` (default: the tiny fixture).
  static IndexFixture build(const TempDir& dir, const std::string& name,
                            const std::string& image_key = "Flat",
                            const std::string& text_key = "Flat", const std::string& model = "") {
    IndexFixture f;
    f.model_folder = model.empty() ? (dir.path() / "tiny_clip").string() : model;
    if (!std::filesystem::exists(f.model_folder)) f.model_folder = make_tiny_model_folder(dir);
    hub::LoadedClip clip = load_tiny_clip(f.model_folder);
    f.dim = static_cast<size_t>(clip.model.embed_dim());
    f.images = fixture_images();
    f.rows = f.images.size() + kRandomRows + 1;
    std::mt19937 rng(1234);
    std::normal_distribution<float> gauss;
    for (size_t r = 0; r < f.rows; ++r) {
      std::vector<float> v;
      if (r < f.images.size()) {
        v = embed_image_file(clip, f.images[r]);
        f.image_paths.push_back(f.images[r]);
      } else if (r + 1 < f.rows) {
        v.resize(f.dim);
        for (float& x : v) x = gauss(rng);
        normalize(v.data(), f.dim);
        f.image_paths.push_back("/nonexistent/image_" + std::to_string(r) + ".jpg");
      } else {
        v.assign(f.image_vectors.begin(), f.image_vectors.begin() + f.dim);  // row 0
        v[0] += 0.01f;
        normalize(v.data(), f.dim);
        f.image_paths.push_back(f.images[0]);
      }
      f.image_vectors.insert(f.image_vectors.end(), v.begin(), v.end());
      f.captions.push_back("a picture of thing number " + std::to_string(r));
      f.urls.push_back("https://example.com/" + std::to_string(r) + ".jpg");
      const std::vector<float> t = embed_text(clip, f.captions.back());
      f.text_vectors.insert(f.text_vectors.end(), t.begin(), t.end());
    }
    f.write_folder(dir, name, image_key, text_key);
    return f;
  }

  // The same rows in another folder `<dir>/<name>` with other index types (no re-embedding).
  IndexFixture with_indices(const TempDir& dir, const std::string& name,
                            const std::string& image_key, const std::string& text_key) const {
    IndexFixture f = *this;
    f.write_folder(dir, name, image_key, text_key);
    return f;
  }

  void write_folder(const TempDir& dir, const std::string& name, const std::string& image_key,
                    const std::string& text_key) {
    folder = (dir.path() / name).string();
    std::filesystem::create_directories(folder + "/metadata");
    write_index(image_vectors, rows, dim, image_key, folder + "/image.index");
    if (!text_key.empty()) write_index(text_vectors, rows, dim, text_key, folder + "/text.index");
    // Two files, to check that ids run over the files in sorted order.
    const size_t split = 150;
    write_metadata(folder + "/metadata/metadata_0.parquet", 0, split);
    write_metadata(folder + "/metadata/metadata_1.parquet", split, rows);
  }

  static void write_index(const std::vector<float>& vectors, size_t n, size_t dim,
                          const std::string& key, const std::string& path) {
    std::unique_ptr<faiss::Index> index(
        faiss::index_factory(static_cast<int>(dim), key.c_str(), faiss::METRIC_INNER_PRODUCT));
    if (auto* ivf = dynamic_cast<faiss::IndexIVF*>(index.get()))
      ivf->cp.min_points_per_centroid = 1;
    index->train(static_cast<faiss::Index::idx_t>(n), vectors.data());
    index->add(static_cast<faiss::Index::idx_t>(n), vectors.data());
    faiss::write_index(index.get(), path.c_str());
  }

  // Replaces image.index by the on-disk form: a folder image.index/ holding populated.index and
  // its inverted lists in merged_index.ivfdata (what `index` writes for huge indices).
  void write_ondisk_image_index(const std::string& key) const {
    const std::filesystem::path dir = std::filesystem::path(folder) / "image.index";
    std::filesystem::remove_all(dir);
    std::filesystem::create_directories(dir);
    std::unique_ptr<faiss::Index> index(
        faiss::index_factory(static_cast<int>(dim), key.c_str(), faiss::METRIC_INNER_PRODUCT));
    auto* ivf = dynamic_cast<faiss::IndexIVF*>(index.get());
    ivf->cp.min_points_per_centroid = 1;
    index->train(static_cast<faiss::Index::idx_t>(rows), image_vectors.data());
    index->add(static_cast<faiss::Index::idx_t>(rows), image_vectors.data());
    auto* ondisk = new faiss::OnDiskInvertedLists(ivf->nlist, ivf->code_size,
                                                  (dir / "merged_index.ivfdata").c_str());
    const faiss::InvertedLists* sources[] = {ivf->invlists};
    ondisk->merge_from(sources, 1);
    ivf->replace_invlists(ondisk, true);
    faiss::write_index(index.get(), (dir / "populated.index").c_str());
  }

  void write_metadata(const std::string& path, size_t begin, size_t end) const {
    using namespace parquet;
    Schema schema = {{"image_path", string_type(), false},
                     {"caption", string_type(), true},
                     {"url", string_type(), false},
                     {"width", int64_type(), false},
                     {"NSFW", string_type(), false}};
    Table table(schema);
    for (size_t r = begin; r < end; ++r) {
      table.column(0).append_bytes(image_paths[r]);
      if (r == 12) {
        table.column(1).append_null();
      } else {
        table.column(1).append_bytes(captions[r]);
      }
      table.column(2).append_bytes(urls[r]);
      table.column(3).append_int64(static_cast<int64_t>(r) * 10);
      table.column(4).append_bytes("UNLIKELY");
    }
    write_parquet_file(path, table);
  }

  const float* image_vector(size_t r) const { return image_vectors.data() + r * dim; }

  // Exact top-k by inner product over `vectors` (rows x dim): (id, score), best first.
  static std::vector<std::pair<int64_t, float>> exact_top_k(const std::vector<float>& vectors,
                                                            size_t rows, size_t dim,
                                                            const std::vector<float>& query,
                                                            size_t k) {
    std::vector<std::pair<int64_t, float>> scored;
    for (size_t r = 0; r < rows; ++r) {
      double s = 0;
      for (size_t j = 0; j < dim; ++j) s += double(vectors[r * dim + j]) * query[j];
      scored.emplace_back(static_cast<int64_t>(r), static_cast<float>(s));
    }
    std::stable_sort(scored.begin(), scored.end(),
                     [](const auto& a, const auto& b) { return a.second > b.second; });
    scored.resize(std::min(k, scored.size()));
    return scored;
  }
};

}  // namespace clipret::testing
