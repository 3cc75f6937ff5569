// bench/preprocess_bench.cpp: image decode + CLIP preprocessing throughput (images/s), src/image.
//
//   cmake -S . -B build-bench -DCMAKE_BUILD_TYPE=Release -DCLIPRET_BUILD_BENCH=ON
//   cmake --build build-bench --target preprocess_bench && build-bench/bench/preprocess_bench
//
// Inputs are fixture images (../shared/fixtures/preprocess), read into memory once: the numbers
// cover decoding and preprocessing, not file I/O. Full = decode + resize + crop + RGB + normalise
// to 3x224x224 float32 (what an inference worker does per sample).
//
// With CLIPRET_BENCH_IMAGE_DIR set, DecodeAndPreprocessFolder also runs full preprocessing over
// every file of that folder (read into memory first), one thread: bench/preprocess_vs_pillow.sh
// runs it next to Pillow + torchvision on the same files.
#include <benchmark/benchmark.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include "bench_main.h"
#include "image/clip_preprocess.h"
#include "image/image_decoder.h"

namespace {

using clipret::image::decode_image;
using clipret::image::DecodedImage;
using clipret::image::PreprocessConfig;

std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

std::string read_fixture(const std::string& name) {
  return read_file(std::string(CLIPRET_PREPROCESS_FIXTURES) + "/" + name);
}

const uint8_t* bytes_of(const std::string& s) {
  return reinterpret_cast<const uint8_t*>(s.data());
}

void BM_Decode(benchmark::State& state, const char* file) {
  const std::string bytes = read_fixture(file);
  for (auto _ : state) {
    DecodedImage decoded = decode_image(bytes_of(bytes), bytes.size());
    if (!decoded.ok()) state.SkipWithError(decoded.error.c_str());
    benchmark::DoNotOptimize(decoded.image.pixels.data());
  }
  state.SetItemsProcessed(state.iterations());
}

void BM_PreprocessOnly(benchmark::State& state, const char* file) {
  const std::string bytes = read_fixture(file);
  const DecodedImage decoded = decode_image(bytes_of(bytes), bytes.size());
  if (!decoded.ok()) state.SkipWithError(decoded.error.c_str());
  const PreprocessConfig config;
  std::vector<float> out(3 * config.size * config.size);
  for (auto _ : state) {
    clipret::image::normalize_to_chw(clipret::image::preprocess_to_rgb(decoded.image, config),
                                     config, out.data());
    benchmark::DoNotOptimize(out.data());
  }
  state.SetItemsProcessed(state.iterations());
}

void BM_DecodeAndPreprocess(benchmark::State& state, const char* file) {
  const std::string bytes = read_fixture(file);
  const PreprocessConfig config;
  std::vector<float> out(3 * config.size * config.size);
  for (auto _ : state) {
    const auto error =
        clipret::image::preprocess_clip(bytes_of(bytes), bytes.size(), config, out.data());
    if (error) state.SkipWithError(error->c_str());
    benchmark::DoNotOptimize(out.data());
  }
  state.SetItemsProcessed(state.iterations());
}

// Every file of `folder` (sorted), in memory; one iteration preprocesses all of them.
void BM_DecodeAndPreprocessFolder(benchmark::State& state, const std::string& folder) {
  std::vector<std::string> paths;
  for (const auto& entry : std::filesystem::directory_iterator(folder)) {
    if (entry.is_regular_file()) paths.push_back(entry.path().string());
  }
  std::sort(paths.begin(), paths.end());
  std::vector<std::string> files;
  for (const std::string& path : paths) files.push_back(read_file(path));
  const PreprocessConfig config;
  std::vector<float> out(3 * config.size * config.size);
  for (auto _ : state) {
    for (const std::string& bytes : files) {
      const auto error =
          clipret::image::preprocess_clip(bytes_of(bytes), bytes.size(), config, out.data());
      if (error) state.SkipWithError(error->c_str());
      benchmark::DoNotOptimize(out.data());
    }
  }
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations() * files.size()));
  state.SetLabel(std::to_string(files.size()) + " files");
}

[[maybe_unused]] const bool kFolderRegistered = [] {
  const char* folder = std::getenv("CLIPRET_BENCH_IMAGE_DIR");
  if (folder != nullptr && *folder != '\0') {
    benchmark::RegisterBenchmark("BM_DecodeAndPreprocessFolder", BM_DecodeAndPreprocessFolder,
                                 std::string(folder))
        ->Unit(benchmark::kMillisecond);
  }
  return true;
}();

BENCHMARK_CAPTURE(BM_Decode, jpeg_640x480, "rgb_640x480.jpg")->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(BM_PreprocessOnly, jpeg_640x480, "rgb_640x480.jpg")
    ->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(BM_DecodeAndPreprocess, jpeg_640x480, "rgb_640x480.jpg")
    ->Unit(benchmark::kMillisecond);
// Two workers on two cores: per-image work is independent, so this shows the scaling.
BENCHMARK_CAPTURE(BM_DecodeAndPreprocess, jpeg_640x480, "rgb_640x480.jpg")
    ->Threads(2)
    ->UseRealTime()
    ->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(BM_DecodeAndPreprocess, png_rgba_320x240, "rgba_320x240.png")
    ->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(BM_DecodeAndPreprocess, webp_257x333, "rgb_257x333_odd.webp")
    ->Unit(benchmark::kMillisecond);

}  // namespace

CLIPRET_BENCH_MAIN()
