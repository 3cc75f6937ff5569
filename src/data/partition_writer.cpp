#include "data/partition_writer.h"

#include <filesystem>
#include <optional>

#include "core/atomic_file.h"
#include "core/error.h"
#include "core/npy_writer.h"
#include "data/metadata_table_builder.h"
#include "data/partitioning.h"
#include "parquet/parquet_writer.h"
#include "parquet/table.h"

namespace clipret::data {

namespace fs = std::filesystem;

struct PartitionWriter::Impl {
  PartitionWriterOptions options;
  std::string number;
  std::optional<core::NpyWriter> image_writer;
  std::optional<core::NpyWriter> text_writer;
  MetadataTableBuilder metadata;
  size_t rows = 0;

  explicit Impl(PartitionWriterOptions o)
      : options(std::move(o)),
        number(partition_file_number(static_cast<size_t>(options.partition),
                                     static_cast<size_t>(options.partition_count))),
        metadata(options.enable_image, options.enable_text, options.enable_metadata) {}

  std::string path(const char* folder, const char* prefix, const char* extension) const {
    return (fs::path(options.output_folder) / folder / (prefix + number + extension)).string();
  }

  static void append_to(std::optional<core::NpyWriter>& writer, const std::string& path,
                        const float* rows, size_t n, size_t dim) {
    if (!writer) {
      CLIPRET_CHECK(dim > 0, Internal, "%s: embedding dimension is 0", path.c_str());
      writer.emplace(path, core::NpyDtype::kFloat16, std::vector<uint64_t>{dim});
    }
    CLIPRET_CHECK(writer->row_elements() == dim, Internal,
                  "%s: embedding dimension changed from %llu to %zu", path.c_str(),
                  static_cast<unsigned long long>(writer->row_elements()), dim);
    writer->append_rows_f32(rows, n);
  }
};

namespace {

// Temporary files a killed run left for `final_path` (core::is_temporary_for): never complete.
void remove_stale_temporaries(const std::string& final_path) {
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(fs::path(final_path).parent_path(), ec)) {
    if (core::is_temporary_for(entry.path().string(), final_path)) fs::remove(entry.path(), ec);
  }
}

}  // namespace

PartitionWriter::PartitionWriter(PartitionWriterOptions options)
    : impl_(std::make_unique<Impl>(std::move(options))) {
  const fs::path root(impl_->options.output_folder);
  std::error_code ec;
  fs::create_directories(root / "metadata", ec);
  if (impl_->options.enable_image) fs::create_directories(root / "img_emb", ec);
  if (impl_->options.enable_text) fs::create_directories(root / "text_emb", ec);
  CLIPRET_CHECK(!ec, Io, "%s: cannot create the output folders: %s", root.c_str(),
                ec.message().c_str());
  remove_stale_temporaries(impl_->path("metadata", "metadata_", ".parquet"));
  if (impl_->options.enable_image)
    remove_stale_temporaries(impl_->path("img_emb", "img_emb_", ".npy"));
  if (impl_->options.enable_text)
    remove_stale_temporaries(impl_->path("text_emb", "text_emb_", ".npy"));
}

PartitionWriter::~PartitionWriter() = default;

size_t PartitionWriter::rows() const {
  return impl_->rows;
}
const std::string& PartitionWriter::file_number() const {
  return impl_->number;
}

void PartitionWriter::append(size_t n, const float* image_embeddings, size_t image_dim,
                             const float* text_embeddings, size_t text_dim,
                             const SampleRecord* records) {
  if (n == 0) return;
  Impl& m = *impl_;
  if (m.options.enable_image) {
    Impl::append_to(m.image_writer, m.path("img_emb", "img_emb_", ".npy"), image_embeddings, n,
                    image_dim);
  }
  if (m.options.enable_text) {
    Impl::append_to(m.text_writer, m.path("text_emb", "text_emb_", ".npy"), text_embeddings, n,
                    text_dim);
  }
  static const std::vector<FlatField> kNoFields;
  for (size_t i = 0; i < n; ++i) {
    m.metadata.add_row(records[i].image_path, records[i].caption,
                       records[i].fields != nullptr ? *records[i].fields : kNoFields);
  }
  m.rows += n;
}

void PartitionWriter::finish() {
  Impl& m = *impl_;
  if (m.rows == 0) return;
  if (m.image_writer) m.image_writer->close();
  if (m.text_writer) m.text_writer->close();
  parquet::write_parquet_file(m.path("metadata", "metadata_", ".parquet"), m.metadata.build());
}

}  // namespace clipret::data
