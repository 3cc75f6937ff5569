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
    add_failure_routes();
    start();
  }
  ~ImageServer() { stop(); }

  // What a hostile or broken web serves (the acceptance list of issue 15).
  void add_failure_routes() {
    server().Get("/error500", [](const httplib::Request&, httplib::Response& res) {
      res.status = 500;
      res.set_content("boom", "text/plain");
    });
    server().Get("/silent", [](const httplib::Request&, httplib::Response& res) {
      std::this_thread::sleep_for(std::chrono::milliseconds(2500));
      res.set_content(make_bmp(4, 4, 0), "image/bmp");
    });
    // A body that never ends, one byte every 100 ms.
    server().Get("/drip", [](const httplib::Request&, httplib::Response& res) {
      res.set_chunked_content_provider("image/bmp", [](size_t, httplib::DataSink& sink) {
        std::this_thread::sleep_for(std::chrono::milliseconds(100));
        return sink.write("B", 1);
      });
    });
    server().Get("/truncated", [](const httplib::Request&, httplib::Response& res) {
      const std::string whole = make_bmp(64, 64, 3);
      res.set_content(whole.substr(0, whole.size() / 3), "image/bmp");
    });
    // A PNG whose header declares 100000 x 100000 pixels: a few bytes that would decode to 30 GB.
    server().Get("/bomb", [](const httplib::Request&, httplib::Response& res) {
      res.set_content(png_header(100000, 100000), "image/png");
    });
    // Made once, before serving: under ThreadSanitizer, making 18 MB per request takes longer
    // than the tests' 1 s deadline.
    huge_ = make_bmp(3000, 2000, 9);
    server().Get("/huge", [this](const httplib::Request&, httplib::Response& res) {
      res.set_content(huge_, "image/bmp");
    });
    server().Get(R"(/redirect/(\d+))", [](const httplib::Request& req, httplib::Response& res) {
      const int left = std::stoi(req.matches[1]);
      res.set_redirect(left > 1 ? "/redirect/" + std::to_string(left - 1) : "/img/50x40/5.bmp");
    });
    server().Get("/loop", [](const httplib::Request&, httplib::Response& res) {
      res.set_redirect("/loop");
    });
    server().Get("/robots-other", [](const httplib::Request&, httplib::Response& res) {
      res.set_header("X-Robots-Tag", "otherbot: noai");
      res.set_content(make_bmp(30, 20, 4), "image/bmp");
    });
    server().Get("/robots-mine", [](const httplib::Request&, httplib::Response& res) {
      res.set_header("X-Robots-Tag", "mybot: noimageai, nofollow");
      res.set_content(make_bmp(30, 20, 4), "image/bmp");
    });
    // 429 with Retry-After: 1 the first time, the image after.
    server().Get("/ratelimited", [this](const httplib::Request&, httplib::Response& res) {
      if (rate_limited_.exchange(true)) {
        res.set_content(make_bmp(20, 30, 6), "image/bmp");
      } else {
        res.status = 429;
        res.set_header("Retry-After", "1");
        res.set_content("slow down", "text/plain");
      }
    });
  }

  // The 8-byte PNG signature and an IHDR chunk (with its CRC) declaring width x height RGB.
  static std::string png_header(uint32_t width, uint32_t height) {
    std::string png = "\x89PNG\r\n\x1a\n";
    std::string chunk = "IHDR";
    for (uint32_t v : {width, height}) {
      for (int shift = 24; shift >= 0; shift -= 8) chunk += static_cast<char>((v >> shift) & 0xff);
    }
    chunk += std::string("\x08\x02\x00\x00\x00", 5);  // 8-bit RGB, no interlace
    uint32_t crc = 0xffffffffu;
    for (unsigned char byte : chunk) {
      crc ^= byte;
      for (int k = 0; k < 8; ++k) crc = (crc >> 1) ^ (0xedb88320u & (0u - (crc & 1u)));
    }
    crc ^= 0xffffffffu;
    png += std::string("\x00\x00\x00\x0d", 4) + chunk;
    for (int shift = 24; shift >= 0; shift -= 8) png += static_cast<char>((crc >> shift) & 0xff);
    return png;
  }

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
  std::atomic<bool> rate_limited_{false};
  std::string huge_;
};

}  // namespace clipret::testing
