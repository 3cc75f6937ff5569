#include "search/search_index.h"

#include <faiss/Index.h>

#include <filesystem>

#include "core/error.h"
#include "core/npy_reader.h"
#include "search/query_embedder.h"

namespace clipret::search {

SearchIndex::SearchIndex() = default;
SearchIndex::~SearchIndex() = default;
SearchIndex::SearchIndex(SearchIndex&&) noexcept = default;
SearchIndex& SearchIndex::operator=(SearchIndex&&) noexcept = default;

std::optional<AestheticEmbeddings> load_aesthetic_embeddings(const std::string& folder) {
  namespace fs = std::filesystem;
  AestheticEmbeddings result;
  for (int k = 0; k < 10; ++k) {
    const std::string path = (fs::path(folder) / ("rating" + std::to_string(k) + ".npy")).string();
    std::error_code ec;
    if (!fs::is_regular_file(path, ec)) return std::nullopt;
    const core::NpyReader npy = core::NpyReader::open(path);
    const size_t dim = npy.rows() * npy.row_elements();
    CLIPRET_CHECK(k == 0 || dim == result.dim, Corrupt, "%s: %zu values where rating0.npy has %zu",
                  path.c_str(), dim, result.dim);
    result.dim = dim;
    std::vector<float> values(dim);
    npy.read_rows_f32(0, npy.rows(), values.data());
    result.ratings.push_back(std::move(values));
  }
  return result;
}

}  // namespace clipret::search
