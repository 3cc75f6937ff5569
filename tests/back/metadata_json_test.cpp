#include "back/metadata_json.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "metadata/metadata_store.h"

namespace clipret::back {
namespace {

// Rows 0..n-1 with a string, an int, a double and a null column.
class FakeStore : public metadata::MetadataStore {
 public:
  explicit FakeStore(int64_t n) : n_(n) {}
  int64_t num_rows() const override { return n_; }
  const std::vector<std::string>& columns() const override { return columns_; }
  void for_each_row(std::span<const int64_t> ids,
                    const metadata::MetadataRowCallback& callback) const override {
    for (size_t i = 0; i < ids.size(); ++i) {
      if (ids[i] < 0 || ids[i] >= n_) continue;
      const std::string text = "row \"" + std::to_string(ids[i]) + "\"";
      const metadata::MetadataCell cells[] = {std::string_view(text), ids[i] * 2, ids[i] + 0.5,
                                              std::monostate{}};
      callback(i, cells);
    }
  }

 private:
  int64_t n_;
  std::vector<std::string> columns_ = {"caption", "twice", "half", "nothing"};
};

TEST(WriteMetadataAnswer, SlicesAndMissingIdsGiveTheSameAnswer) {
  const FakeStore store(10);
  const std::vector<int64_t> ids = {3, -1, 9, 10, 0, 0, 42, 7};
  nlohmann::ordered_json expected = nlohmann::ordered_json::array();
  for (const int64_t id : ids) {
    nlohmann::ordered_json metadata = nlohmann::ordered_json::object();
    if (id >= 0 && id < 10) {
      metadata["caption"] = "row \"" + std::to_string(id) + "\"";
      metadata["twice"] = id * 2;
      metadata["half"] = id + 0.5;
      metadata["nothing"] = nullptr;
    }
    expected.push_back({{"id", id}, {"metadata", metadata}});
  }
  for (const size_t slice : {1, 2, 3, 8, 100}) {
    std::string answer;
    size_t pieces = 0;
    EXPECT_TRUE(write_metadata_answer(
        ids, &store,
        [&](std::string_view piece) {
          answer += piece;
          ++pieces;
          return true;
        },
        slice));
    EXPECT_EQ(answer, expected.dump()) << "slice " << slice;
    EXPECT_EQ(pieces, (ids.size() + slice - 1) / slice);
  }
  const auto whole = [](std::span<const int64_t> some, const metadata::MetadataStore* from) {
    std::string answer;
    write_metadata_answer(some, from, [&](std::string_view piece) {
      answer += piece;
      return true;
    });
    return answer;
  };
  EXPECT_EQ(whole({}, &store), "[]");
  // An index without metadata: every id gets {}.
  EXPECT_EQ(whole(ids, nullptr), R"([{"id":3,"metadata":{}},{"id":-1,"metadata":{}},)"
                                 R"({"id":9,"metadata":{}},{"id":10,"metadata":{}},)"
                                 R"({"id":0,"metadata":{}},{"id":0,"metadata":{}},)"
                                 R"({"id":42,"metadata":{}},{"id":7,"metadata":{}}])");
  // A sink that fails (client gone) stops the writing.
  size_t calls = 0;
  EXPECT_FALSE(write_metadata_answer(
      ids, &store, [&](std::string_view) { return ++calls < 2; }, 2));
  EXPECT_EQ(calls, 2u);
}

}  // namespace
}  // namespace clipret::back
