#include "inference/encode_runner.h"

#include <algorithm>
#include <climits>
#include <filesystem>
#include <span>

#include "core/error.h"
#include "core/l2_normalize.h"
#include "core/log.h"
#include "core/npy_reader.h"
#include "core/stream.h"
#include "hub/clip_loader.h"
#include "hub/mclip_loader.h"
#include "image/clip_preprocess.h"
#include "inference/batch_embedder.h"

namespace clipret::inference {
namespace {

std::string shape_text(const std::vector<uint64_t>& shape) {
  std::string text = "(";
  for (size_t i = 0; i < shape.size(); ++i) {
    if (i > 0) text += ", ";
    text += std::to_string(shape[i]);
  }
  return text + (shape.size() == 1 ? ",)" : ")");
}

void check_file_exists(const std::string& path, const char* option) {
  if (core::is_pipe_location(path)) return;
  std::error_code ec;
  CLIPRET_CHECK(std::filesystem::exists(path, ec), NotFound, "--%s %s: no such file", option,
                path.c_str());
}

// Embeds n rows of token ids (n×context_length) into n×embed_dim floats, batch by batch.
std::vector<float> embed_ids(model::ClipModel& model, const int32_t* ids, size_t n,
                             size_t batch_size) {
  const size_t context = static_cast<size_t>(model.context_length());
  const size_t dim = static_cast<size_t>(model.embed_dim());
  std::vector<float> out(n * dim);
  for (size_t begin = 0; begin < n; begin += batch_size) {
    const size_t count = std::min(batch_size, n - begin);
    model.encode_text(ids + begin * context, count, out.data() + begin * dim);
  }
  return out;
}

EncodedRows embeddings(std::vector<float> values, size_t n, size_t dim, bool normalize) {
  if (normalize) core::l2_normalize_rows(values.data(), n, dim);
  EncodedRows rows;
  rows.dtype = core::NpyDtype::kFloat32;
  rows.shape = {n, dim};
  rows.floats = std::move(values);
  return rows;
}

size_t embed_dim(const hub::LoadedClip& clip) {
  return static_cast<size_t>(clip.model.embed_dim());
}

EncodedRows encode_texts(const EncodeOptions& options, hub::LoadedClip& clip, size_t batch) {
  const text::TokenBatch tokens = clip.tokenizer->tokenize_batch(
      std::span<const std::string>(options.texts), text::Truncation::kTruncate);
  if (options.tokens_only) {
    EncodedRows rows;
    rows.dtype = core::NpyDtype::kInt64;
    rows.shape = {tokens.rows, tokens.context_length};
    rows.ints.assign(tokens.ids.begin(), tokens.ids.end());
    return rows;
  }
  return embeddings(embed_ids(clip.model, tokens.ids.data(), tokens.rows, batch), tokens.rows,
                    embed_dim(clip), options.normalize);
}

EncodedRows encode_input_ids(const EncodeOptions& options, hub::LoadedClip& clip, size_t batch) {
  const std::string& path = *options.input_ids;
  const core::NpyReader reader = core::NpyReader::open(path);
  const uint64_t context = static_cast<uint64_t>(clip.model.context_length());
  CLIPRET_CHECK(
      reader.dtype() == core::NpyDtype::kInt64 || reader.dtype() == core::NpyDtype::kInt32,
      InvalidInput, "--input_ids %s: token ids must be int64 or int32, got %s", path.c_str(),
      core::npy_dtype_name(reader.dtype()));
  CLIPRET_CHECK(reader.shape().size() == 2 && reader.shape()[1] == context && reader.shape()[0] > 0,
                InvalidInput, "--input_ids %s: expected shape (n, %llu) with n >= 1, got %s",
                path.c_str(), static_cast<unsigned long long>(context),
                shape_text(reader.shape()).c_str());
  const size_t n = reader.rows();
  std::vector<int32_t> ids(n * context);
  for (size_t i = 0; i < ids.size(); ++i) {
    const int64_t id = reader.dtype() == core::NpyDtype::kInt64
                           ? static_cast<const int64_t*>(reader.data())[i]
                           : static_cast<const int32_t*>(reader.data())[i];
    CLIPRET_CHECK(id >= 0 && id <= INT32_MAX, InvalidInput,
                  "--input_ids %s: row %zu, position %zu: id %lld is not a token id", path.c_str(),
                  i / context, i % context, static_cast<long long>(id));
    ids[i] = static_cast<int32_t>(id);
  }
  return embeddings(embed_ids(clip.model, ids.data(), n, batch), n, embed_dim(clip),
                    options.normalize);
}

// Decodes and preprocesses the image at `path` into `out` (3×S×S floats). Throws for a missing
// file (kNotFound) or one that does not decode (kCorrupt), naming the file.
void preprocess_image_file(const std::string& path, const image::PreprocessConfig& config,
                           float* out) {
  const std::string bytes = core::read_all(*core::open_input_stream(path));
  const std::optional<std::string> error = image::preprocess_clip(
      reinterpret_cast<const uint8_t*>(bytes.data()), bytes.size(), config, out);
  CLIPRET_CHECK(!error, Corrupt, "--image %s: cannot use this image: %s", path.c_str(),
                error ? error->c_str() : "");
}

EncodedRows encode_images(const EncodeOptions& options, hub::LoadedClip& clip, size_t batch) {
  const size_t n = options.images.size();
  const uint64_t side = static_cast<uint64_t>(clip.preprocess.size);
  const size_t pixels_per_image = 3 * side * side;
  if (options.pixels_only) {
    EncodedRows rows;
    rows.dtype = core::NpyDtype::kFloat32;
    rows.shape = {n, 3, side, side};
    rows.floats.resize(n * pixels_per_image);
    for (size_t i = 0; i < n; ++i) {
      preprocess_image_file(options.images[i], clip.preprocess,
                            rows.floats.data() + i * pixels_per_image);
    }
    return rows;
  }
  const size_t dim = static_cast<size_t>(clip.model.embed_dim());
  std::vector<float> out(n * dim);
  std::vector<float> pixels(std::min(batch, n) * pixels_per_image);
  for (size_t begin = 0; begin < n; begin += batch) {
    const size_t count = std::min(batch, n - begin);
    for (size_t i = 0; i < count; ++i) {
      preprocess_image_file(options.images[begin + i], clip.preprocess,
                            pixels.data() + i * pixels_per_image);
    }
    clip.model.encode_image(pixels.data(), count, out.data() + begin * dim);
  }
  return embeddings(std::move(out), n, embed_dim(clip), options.normalize);
}

EncodedRows encode_pixel_values(const EncodeOptions& options, hub::LoadedClip& clip, size_t batch) {
  const std::string& path = *options.pixel_values;
  const core::NpyReader reader = core::NpyReader::open(path);
  const uint64_t side = static_cast<uint64_t>(clip.model.image_size());
  const uint64_t channels = static_cast<uint64_t>(clip.model.config().vision.channels);
  const core::NpyDtype dtype = reader.dtype();
  CLIPRET_CHECK(dtype == core::NpyDtype::kFloat32 || dtype == core::NpyDtype::kFloat16 ||
                    dtype == core::NpyDtype::kFloat64,
                InvalidInput, "--pixel_values %s: pixels must be float32, got %s", path.c_str(),
                core::npy_dtype_name(dtype));
  const std::vector<uint64_t> expected = {reader.rows(), channels, side, side};
  CLIPRET_CHECK(reader.shape() == expected && reader.rows() > 0, InvalidInput,
                "--pixel_values %s: expected shape (n, %llu, %llu, %llu) with n >= 1, got %s",
                path.c_str(), static_cast<unsigned long long>(channels),
                static_cast<unsigned long long>(side), static_cast<unsigned long long>(side),
                shape_text(reader.shape()).c_str());
  const size_t n = reader.rows();
  const size_t per_image = reader.row_elements();
  const size_t dim = static_cast<size_t>(clip.model.embed_dim());
  std::vector<float> out(n * dim);
  std::vector<float> pixels(std::min(batch, n) * per_image);
  for (size_t begin = 0; begin < n; begin += batch) {
    const size_t count = std::min(batch, n - begin);
    reader.read_rows_f32(begin, begin + count, pixels.data());
    clip.model.encode_image(pixels.data(), count, out.data() + begin * dim);
  }
  return embeddings(std::move(out), n, embed_dim(clip), options.normalize);
}

}  // namespace

void check_encode_options(const EncodeOptions& options) {
  std::vector<std::string> given;
  if (!options.texts.empty()) given.push_back("--text");
  if (!options.images.empty()) given.push_back("--image");
  if (options.input_ids) given.push_back("--input_ids");
  if (options.pixel_values) given.push_back("--pixel_values");
  CLIPRET_CHECK(!given.empty(), InvalidInput,
                "no input: give --text, --image, --input_ids or --pixel_values");
  CLIPRET_CHECK(given.size() == 1, InvalidInput,
                "%s and %s cannot be mixed: one call writes one matrix, so encode one modality "
                "per call",
                given[0].c_str(), given[1].c_str());
  CLIPRET_CHECK(!(options.tokens_only && options.pixels_only), InvalidInput,
                "--tokens_only and --pixels_only cannot be combined");
  CLIPRET_CHECK(!options.mclip_model || !options.texts.empty(), InvalidInput,
                "--mclip_model embeds --text inputs only, got %s", given[0].c_str());
  CLIPRET_CHECK(!options.tokens_only || !options.texts.empty(), InvalidInput,
                "--tokens_only needs --text inputs, got %s", given[0].c_str());
  CLIPRET_CHECK(!options.pixels_only || !options.images.empty(), InvalidInput,
                "--pixels_only needs --image inputs, got %s", given[0].c_str());
  CLIPRET_CHECK(options.batch_size > 0, InvalidInput, "--batch_size must be positive, got %lld",
                static_cast<long long>(options.batch_size));
  CLIPRET_CHECK(!options.output.empty(), InvalidInput,
                "--output must be a .npy path or - (JSON lines on stdout)");
  for (const std::string& image : options.images) check_file_exists(image, "image");
  if (options.input_ids) check_file_exists(*options.input_ids, "input_ids");
  if (options.pixel_values) check_file_exists(*options.pixel_values, "pixel_values");
}

EncodedRows encode_inputs(const EncodeOptions& options, hub::LoadedClip& clip) {
  check_encode_options(options);
  const size_t batch = static_cast<size_t>(options.batch_size);
  if (!options.texts.empty()) return encode_texts(options, clip, batch);
  if (!options.images.empty()) return encode_images(options, clip, batch);
  if (options.input_ids) return encode_input_ids(options, clip, batch);
  return encode_pixel_values(options, clip, batch);
}

EncodedRows encode_mclip_texts(const EncodeOptions& options, hub::LoadedMclip& mclip) {
  check_encode_options(options);
  const std::vector<std::vector<int32_t>> ids = hub::tokenize_mclip_texts(mclip, options.texts);
  const size_t n = ids.size();
  if (options.tokens_only) {
    // Ids differ in length: pad to the longest with the tokenizer's pad id (padding=True).
    size_t longest = 0;
    for (const auto& row : ids) longest = std::max(longest, row.size());
    EncodedRows rows;
    rows.dtype = core::NpyDtype::kInt64;
    rows.shape = {n, longest};
    rows.ints.assign(n * longest, mclip.tokenizer->pad_id());
    for (size_t i = 0; i < n; ++i) std::copy(ids[i].begin(), ids[i].end(), &rows.ints[i * longest]);
    return rows;
  }
  const size_t dim = static_cast<size_t>(mclip.model.embed_dim());
  std::vector<float> values(n * dim);
  mclip.model.encode(ids, values.data());
  return embeddings(std::move(values), n, dim, options.normalize);
}

void run_encode(const EncodeOptions& options, const EncodeEnvironment& environment,
                std::ostream& out) {
  check_encode_options(options);
  EncodedRows rows;
  if (options.mclip_model) {
    const model::SentenceEncoderOptions mclip_options = model::sentence_encoder_options_like(
        environment.model, static_cast<size_t>(options.batch_size));
    hub::LoadedMclip mclip =
        hub::load_mclip(*options.mclip_model, "mclip_model", environment.hub, mclip_options);
    rows = encode_mclip_texts(options, mclip);
  } else {
    model::ClipModelOptions model_options = environment.model;
    model_options.max_batch = static_cast<size_t>(options.batch_size);
    // Images or ready-made ids only: no tokenizer to load (nor to download).
    hub::LoadedClip clip =
        hub::load_clip(options.clip_model, environment.hub, model_options, !options.texts.empty());
    rows = encode_inputs(options, clip);
  }
  if (options.output == "-") {
    write_json_lines(rows, out);
  } else {
    write_npy_file(rows, options.output);
    CLIPRET_LOG_INFO("wrote %s array %s to %s", core::npy_dtype_name(rows.dtype),
                     shape_text(rows.shape).c_str(), options.output.c_str());
  }
}

}  // namespace clipret::inference
