// tests/download/image_server.h: a local HTTP server of generated images and failures for the
// download tests: /img/<w>x<h>/<seed>.bmp (a BMP of a pattern; optional delay), /robots/<n>
// (X-Robots-Tag: noai), /garbage (HTML), /missing (404). Counts the requests per path.
#pragma once

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <map>
#include <mutex>
#include <string>
#include <thread>

#include "loopback_http_server.h"

namespace clipret::testing {

// A 24-bit BMP (bottom-up rows, padded to 4 bytes) of a deterministic pattern: OpenCV decodes
// it, and its size is known without any image library.
std::string make_bmp(int width, int height, int seed) {
  const int row_bytes = (width * 3 + 3) / 4 * 4;
  const uint32_t pixel_bytes = static_cast<uint32_t>(row_bytes * height);
  std::string bmp(54 + pixel_bytes, '\0');
  auto put32 = [&](size_t at, uint32_t v) {
    for (int i = 0; i < 4; ++i) bmp[at + i] = static_cast<char>((v >> (8 * i)) & 0xff);
  };
  auto put16 = [&](size_t at, uint16_t v) {
    bmp[at] = static_cast<char>(v & 0xff);
    bmp[at + 1] = static_cast<char>(v >> 8);
  };
  bmp[0] = 'B';
  bmp[1] = 'M';
  put32(2, static_cast<uint32_t>(bmp.size()));
  put32(10, 54);
  put32(14, 40);
  put32(18, static_cast<uint32_t>(width));
  put32(22, static_cast<uint32_t>(height));
  put16(26, 1);
  put16(28, 24);
  put32(34, pixel_bytes);
  for (int y = 0; y < height; ++y) {
    for (int x = 0; x < width; ++x) {
      const size_t at = 54 + static_cast<size_t>(y * row_bytes + x * 3);
      bmp[at] = static_cast<char>((x * 7 + seed * 31) & 0xff);
      bmp[at + 1] = static_cast<char>((y * 5 + seed * 17) & 0xff);
      bmp[at + 2] = static_cast<char>(((x + y) * 3 + seed) & 0xff);
    }
  }
  return bmp;
}

class ImageServer : public LoopbackHttpServer {
 public:
  ImageServer() {
    server().Get(R"(/img/(\d+)x(\d+)/(\d+)\.bmp)",
                 [this](const httplib::Request& req, httplib::Response& res) {
                   count(req.path);
                   if (delay_ms_ > 0) {
                     std::this_thread::sleep_for(std::chrono::milliseconds(delay_ms_));
                   }
                   res.set_content(image(req), "image/bmp");
                 });
    server().Get("/robots/(\\d+)", [this](const httplib::Request& req, httplib::Response& res) {
      count(req.path);
      res.set_header("X-Robots-Tag", "noai");
      res.set_content(make_bmp(8, 8, 1), "image/bmp");
    });
    server().Get("/garbage", [this](const httplib::Request& req, httplib::Response& res) {
      count(req.path);
      res.set_content("<html>not an image</html>", "text/html");
    });
    server().Get("/missing", [this](const httplib::Request& req, httplib::Response& res) {
      count(req.path);
      res.status = 404;
      res.set_content("no", "text/plain");
    });
    start();
  }
  ~ImageServer() { stop(); }

  static std::string image(const httplib::Request& req) {
    return make_bmp(std::stoi(req.matches[1]), std::stoi(req.matches[2]),
                    std::stoi(req.matches[3]));
  }
  static std::string image_at(const std::string& path) {
    int w = 0, h = 0, seed = 0;
    EXPECT_EQ(std::sscanf(path.c_str(), "/img/%dx%d/%d.bmp", &w, &h, &seed), 3) << path;
    return make_bmp(w, h, seed);
  }
  void set_delay_ms(int ms) { delay_ms_ = ms; }
  int requests(const std::string& path) {
    std::lock_guard<std::mutex> lock(mutex_);
    return counts_[path];
  }
  int total_requests() {
    std::lock_guard<std::mutex> lock(mutex_);
    int total = 0;
    for (const auto& [path, n] : counts_) total += n;
    return total;
  }

 private:
  void count(const std::string& path) {
    std::lock_guard<std::mutex> lock(mutex_);
    ++counts_[path];
  }
  std::mutex mutex_;
  std::map<std::string, int> counts_;
  std::atomic<int> delay_ms_{0};
};

}  // namespace clipret::testing
