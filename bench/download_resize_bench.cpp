// bench/download_resize_bench.cpp: `download`'s per-sample work (decode -> filters -> resize ->
// encode, ImageResizer::process with img2dataset's defaults: border 256, INTER_AREA down /
// LANCZOS4 up, jpg q95) in samples/s on one thread, plus its three stages timed apart.
//
//   bench/make_download_images.py resize /tmp/images
//   CLIPRET_BENCH_IMAGE_DIR=/tmp/images taskset -c 0 build-bench/bench/download_resize_bench
//
// bench/download_resize_vs_opencv.sh runs it next to bench/download_resize_peer.py (img2dataset's
// calls through python3-opencv) on the same files. Files are read into memory first: no file I/O
// is timed. OpenCV's own thread pool is off (use_caller_threads_for_opencv, as the runner sets
// it), so everything runs on the calling thread: CPU time = one core's time.
//
// Stages (for "where does the time go"; their sum is close to Process, which also sniffs the
// header and checks the filters):
//   Decode  cv::imdecode(IMREAD_UNCHANGED) of every file
//   Resize  cv::resize to the longer side 256 (area / lanczos4) + white border, from decoded images
//   Encode  cv::imencode(".jpg", q95) of the 256x256 results
// ProcessBySize/<pixels> runs Process over the files of one size only (both orientations);
// DecodeLibjpegBgr is an exact what-if; ProcessJpegDctDownscale is `--jpeg_dct_downscale True`
// (not img2dataset's pixels) with its PSNR against the exact path.
#include <benchmark/benchmark.h>

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <map>
#include <string>
#include <vector>

#include <cstdio>  // jpeglib.h needs FILE

#include <jpeglib.h>
#include <opencv2/core.hpp>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

#include "bench_main.h"
#include "download/image_resizer.h"

namespace {

using clipret::download::ImageResizer;
using clipret::download::ResizeOptions;

constexpr int kSize = 256;

std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

struct Inputs {
  std::vector<std::string> files;  // sorted by name: the peer walks them in the same order
  std::vector<cv::Mat> decoded;
  std::vector<cv::Mat> resized;  // 256x256 with white borders
};

// img2dataset's border mode with cv2 calls: LongestMaxSize then pad white, top/left = (S-d)//2.
cv::Mat border_resize(const cv::Mat& img) {
  const int longer = std::max(img.cols, img.rows);
  const double scale = static_cast<double>(kSize) / longer;
  const int width = static_cast<int>(std::nearbyint(img.cols * scale));
  const int height = static_cast<int>(std::nearbyint(img.rows * scale));
  cv::Mat resized;
  cv::resize(img, resized, cv::Size(width, height), 0, 0,
             longer > kSize ? cv::INTER_AREA : cv::INTER_LANCZOS4);
  const int top = (kSize - height) / 2, left = (kSize - width) / 2;
  cv::Mat out;
  cv::copyMakeBorder(resized, out, top, kSize - height - top, left, kSize - width - left,
                     cv::BORDER_CONSTANT, cv::Scalar(255, 255, 255));
  return out;
}

const Inputs& inputs() {
  static const Inputs in = [] {
    Inputs r;
    const char* folder = std::getenv("CLIPRET_BENCH_IMAGE_DIR");
    if (folder == nullptr || *folder == '\0') return r;
    std::vector<std::string> paths;
    for (const auto& entry : std::filesystem::directory_iterator(folder)) {
      if (entry.is_regular_file()) paths.push_back(entry.path().string());
    }
    std::sort(paths.begin(), paths.end());
    for (const std::string& path : paths) {
      r.files.push_back(read_file(path));
      const std::string& bytes = r.files.back();
      r.decoded.push_back(cv::imdecode(
          cv::Mat(1, static_cast<int>(bytes.size()), CV_8UC1, const_cast<char*>(bytes.data())),
          cv::IMREAD_UNCHANGED));
      r.resized.push_back(border_resize(r.decoded.back()));
    }
    return r;
  }();
  return in;
}

bool check_inputs(benchmark::State& state) {
  if (inputs().files.empty()) {
    state.SkipWithError(
        "set CLIPRET_BENCH_IMAGE_DIR to a folder of images "
        "(bench/make_download_images.py resize DIR)");
    return false;
  }
  return true;
}

void report(benchmark::State& state, size_t per_iteration) {
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations() * per_iteration));
  state.SetLabel(std::to_string(per_iteration) + " images");
}

void BM_Process(benchmark::State& state) {
  if (!check_inputs(state)) return;
  const ImageResizer resizer{ResizeOptions{}};  // img2dataset's defaults
  for (auto _ : state) {
    for (const std::string& bytes : inputs().files) {
      auto out = resizer.process(bytes);
      if (!out.error.empty()) state.SkipWithError(out.error.c_str());
      benchmark::DoNotOptimize(out.bytes.data());
    }
  }
  report(state, inputs().files.size());
}

// Process over the files of one pixel count (e.g. 640x480 and 480x640).
void BM_ProcessBySize(benchmark::State& state) {
  if (!check_inputs(state)) return;
  const ImageResizer resizer{ResizeOptions{}};
  std::vector<const std::string*> chosen;
  for (size_t i = 0; i < inputs().files.size(); ++i) {
    if (inputs().decoded[i].total() == static_cast<size_t>(state.range(0))) {
      chosen.push_back(&inputs().files[i]);
    }
  }
  for (auto _ : state) {
    for (const std::string* bytes : chosen) {
      auto out = resizer.process(*bytes);
      benchmark::DoNotOptimize(out.bytes.data());
    }
  }
  report(state, chosen.size());
}

void BM_Decode(benchmark::State& state) {
  if (!check_inputs(state)) return;
  for (auto _ : state) {
    for (const std::string& bytes : inputs().files) {
      cv::Mat img = cv::imdecode(
          cv::Mat(1, static_cast<int>(bytes.size()), CV_8UC1, const_cast<char*>(bytes.data())),
          cv::IMREAD_UNCHANGED);
      benchmark::DoNotOptimize(img.data);
    }
  }
  report(state, inputs().files.size());
}

void BM_Resize(benchmark::State& state) {
  if (!check_inputs(state)) return;
  for (auto _ : state) {
    for (const cv::Mat& img : inputs().decoded) {
      cv::Mat out = border_resize(img);
      benchmark::DoNotOptimize(out.data);
    }
  }
  report(state, inputs().decoded.size());
}

void BM_Encode(benchmark::State& state) {
  if (!check_inputs(state)) return;
  const std::vector<int> params{cv::IMWRITE_JPEG_QUALITY, 95};
  std::vector<uchar> encoded;
  for (auto _ : state) {
    for (const cv::Mat& img : inputs().resized) {
      cv::imencode(".jpg", img, encoded, params);
      benchmark::DoNotOptimize(encoded.data());
    }
  }
  report(state, inputs().resized.size());
}

// Not what `download` does today: libjpeg-turbo asked for BGR directly (JCS_EXT_BGR) instead of
// OpenCV 4.6's RGB output plus its per-pixel swap. Fails unless every image decodes to exactly
// cv::imdecode's pixels, so this measures an exact alternative. JPEG only (the bench inputs).
cv::Mat decode_jpeg_bgr(const std::string& bytes) {
  jpeg_decompress_struct info{};
  jpeg_error_mgr error{};
  info.err = jpeg_std_error(&error);  // exits on corrupt data: fine for the generated inputs
  jpeg_create_decompress(&info);
  jpeg_mem_src(&info, reinterpret_cast<const unsigned char*>(bytes.data()), bytes.size());
  jpeg_read_header(&info, TRUE);
  info.out_color_space = JCS_EXT_BGR;
  jpeg_start_decompress(&info);
  cv::Mat img(static_cast<int>(info.output_height), static_cast<int>(info.output_width), CV_8UC3);
  while (info.output_scanline < info.output_height) {
    JSAMPROW row = img.ptr(static_cast<int>(info.output_scanline));
    jpeg_read_scanlines(&info, &row, 1);
  }
  jpeg_finish_decompress(&info);
  jpeg_destroy_decompress(&info);
  return img;
}

void BM_DecodeLibjpegBgr(benchmark::State& state) {
  if (!check_inputs(state)) return;
  for (size_t i = 0; i < inputs().files.size(); ++i) {
    if (cv::norm(decode_jpeg_bgr(inputs().files[i]), inputs().decoded[i], cv::NORM_INF) != 0) {
      state.SkipWithError("libjpeg BGR pixels differ from cv::imdecode");
      return;
    }
  }
  for (auto _ : state) {
    for (const std::string& bytes : inputs().files) {
      cv::Mat img = decode_jpeg_bgr(bytes);
      benchmark::DoNotOptimize(img.data);
    }
  }
  report(state, inputs().files.size());
}

// PSNR in dB of `test` against `reference` (same size and type), over all channels.
double psnr(const cv::Mat& reference, const cv::Mat& test) {
  const double mse = cv::norm(reference, test, cv::NORM_L2SQR) /
                     static_cast<double>(reference.total() * reference.channels());
  return mse == 0 ? 99.0 : 10.0 * std::log10(255.0 * 255.0 / mse);
}

// `download --jpeg_dct_downscale True` (not img2dataset's pixels): JPEGs decoded at 1/2, 1/4 or
// 1/8 scale by libjpeg, then the same resize and encode. Counters: the PSNR of its pixels against
// the exact path's (both encoded as PNG, so before any JPEG loss), mean and worst over the
// files that were decoded reduced.
void BM_ProcessJpegDctDownscale(benchmark::State& state) {
  if (!check_inputs(state)) return;
  ResizeOptions fast_options;
  fast_options.jpeg_dct_downscale = true;
  const ImageResizer resizer{fast_options};
  for (auto _ : state) {
    for (const std::string& bytes : inputs().files) {
      auto out = resizer.process(bytes);
      if (!out.error.empty()) state.SkipWithError(out.error.c_str());
      benchmark::DoNotOptimize(out.bytes.data());
    }
  }
  report(state, inputs().files.size());

  ResizeOptions lossless;
  lossless.encode_format = "png";
  lossless.encode_quality = 1;
  const ImageResizer exact{lossless};
  lossless.jpeg_dct_downscale = true;
  const ImageResizer reduced{lossless};
  double sum = 0, worst = 99;
  int reduced_count = 0;
  for (size_t i = 0; i < inputs().files.size(); ++i) {
    // Only images whose longer side is at least twice 256 are decoded reduced; the others are
    // the exact path's pixels.
    const cv::Mat& original = inputs().decoded[i];
    if (std::max(original.cols, original.rows) < 2 * kSize) continue;
    ++reduced_count;
    const std::string& bytes = inputs().files[i];
    const auto a = exact.process(bytes), b = reduced.process(bytes);
    const auto decode = [](const std::string& png) {
      return cv::imdecode(
          cv::Mat(1, static_cast<int>(png.size()), CV_8UC1, const_cast<char*>(png.data())),
          cv::IMREAD_UNCHANGED);
    };
    const double db = psnr(decode(a.bytes), decode(b.bytes));
    sum += db;
    worst = std::min(worst, db);
  }
  state.counters["reduced_images"] = reduced_count;
  state.counters["psnr_mean_db"] = reduced_count > 0 ? sum / reduced_count : 0;
  state.counters["psnr_min_db"] = worst;
}

// The pixel counts of bench/make_download_images.py's sizes.
void size_args(benchmark::internal::Benchmark* b) {
  for (int pixels : {320 * 240, 400 * 300, 500 * 375, 640 * 480, 800 * 600, 1024 * 768, 1280 * 960,
                     1600 * 1200}) {
    b->Arg(pixels);
  }
}

BENCHMARK(BM_Process)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_Decode)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_DecodeLibjpegBgr)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_Resize)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_Encode)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_ProcessBySize)->Apply(size_args)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_ProcessJpegDctDownscale)->Unit(benchmark::kMillisecond);

// The kernels OpenCV dispatches to on this CPU go into the report's context; the thread setting
// is the runner's (one image per caller thread).
[[maybe_unused]] const bool kSetUp = [] {
  clipret::download::use_caller_threads_for_opencv();
  benchmark::AddCustomContext("opencv", CV_VERSION);
  benchmark::AddCustomContext("opencv_threads", std::to_string(cv::getNumThreads()));
  benchmark::AddCustomContext("opencv_cpu_features", cv::getCPUFeaturesLine());
  benchmark::AddCustomContext(
      "opencv_hw_support",
      std::string("AVX2=") + (cv::checkHardwareSupport(CV_CPU_AVX2) ? "1" : "0") +
          " AVX512_SKX=" + (cv::checkHardwareSupport(CV_CPU_AVX512_SKX) ? "1" : "0"));
  return true;
}();

}  // namespace

CLIPRET_BENCH_MAIN()
