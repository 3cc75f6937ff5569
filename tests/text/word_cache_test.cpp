#include "text/word_cache.h"

#include <gtest/gtest.h>

#include <string>
#include <thread>
#include <vector>

namespace clipret::text {
namespace {

// Built with append: g++ 12 gives a false -Wrestrict on `"w" + std::to_string(i)` (bug 105329).
std::string word_of(int i) {
  std::string word = "w";
  word += std::to_string(i);
  return word;
}

TEST(WordCacheTest, StoresAndAppends) {
  WordCache cache(100);
  std::vector<int32_t> out = {7};
  EXPECT_FALSE(cache.lookup("cat", out));
  const std::vector<int32_t> ids = {1, 2, 3};
  cache.insert("cat", ids);
  EXPECT_TRUE(cache.lookup("cat", out));
  EXPECT_EQ(out, (std::vector<int32_t>{7, 1, 2, 3}));
  EXPECT_EQ(cache.size(), 1u);
}

TEST(WordCacheTest, StaysWithinCapacity) {
  WordCache cache(/*capacity=*/8, /*shards=*/2);
  for (int i = 0; i < 100; ++i) cache.insert(word_of(i), std::vector<int32_t>{i});
  EXPECT_LE(cache.size(), 8u);
}

TEST(WordCacheTest, ZeroCapacityDisables) {
  WordCache cache(0);
  cache.insert("cat", std::vector<int32_t>{1});
  std::vector<int32_t> out;
  EXPECT_FALSE(cache.lookup("cat", out));
  EXPECT_EQ(cache.size(), 0u);
}

TEST(WordCacheTest, ConcurrentInsertAndLookup) {
  WordCache cache(1000, 4);
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&cache] {
      for (int i = 0; i < 2000; ++i) {
        const std::string word = word_of(i % 300);
        std::vector<int32_t> out;
        if (cache.lookup(word, out)) {
          ASSERT_EQ(out, std::vector<int32_t>{i % 300});
        } else {
          cache.insert(word, std::vector<int32_t>{i % 300});
        }
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_LE(cache.size(), 1000u);
}

}  // namespace
}  // namespace clipret::text
