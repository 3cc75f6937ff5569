// `clip-retrieval index` end to end: layout, exact Flat, recall of IVF and PQ against brute
// force, memory-mapped reading, the memory budget (peak RSS measured), index_combiner.
#include <faiss/IndexHNSW.h>
#include <faiss/IndexIVF.h>
#include <faiss/clone_index.h>
#include <faiss/index_factory.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <iostream>

#include "index/faiss_index.h"
#include "index/index_key.h"
#include "index_cli_util.h"

namespace clipret::testing {
namespace {

namespace fs = std::filesystem;

std::string quote(const std::string& s) {
  return "'" + s + "'";
}

TEST(IndexBuildTest, FlatIndexReturnsExactNeighboursInTheOriginalLayout) {
  TempDir dir;
  const Embeddings images = clustered_embeddings(800, 16, 1);
  const Embeddings texts = clustered_embeddings(300, 16, 2);
  write_embedding_files(dir.file("emb/img_emb"), images, 3);
  write_embedding_files(dir.file("emb/text_emb"), texts, 1, "text_emb");
  write_file(dir.file("emb/metadata/metadata_0.parquet"), "rows");
  const auto r =
      run_clip_retrieval("index " + quote(dir.file("emb")) + " " + quote(dir.file("idx")));
  ASSERT_EQ(r.exit_code, 0) << r.err;
  for (const char* f :
       {"image.index", "image.json", "text.index", "text.json", "metadata/metadata_0.parquet"}) {
    EXPECT_TRUE(fs::exists(dir.file(std::string("idx/") + f))) << f;
  }
  const auto infos = read_json(dir.file("idx/image.json"));
  EXPECT_EQ(infos["index_key"], "Flat");
  EXPECT_EQ(infos["index_param"], "");
  EXPECT_EQ(infos["nb vectors"], 800);
  EXPECT_EQ(infos["vectors dimension"], 16);
  EXPECT_DOUBLE_EQ(infos["recall@10"].get<double>(), 1.0);
  for (const char* key :
       {"size in bytes", "avg_search_speed_ms", "99p_search_speed_ms", "reconstruction error %",
        "compression ratio", "recall@1", "recall@100", "build_time_s"}) {
    EXPECT_TRUE(infos.contains(key)) << key;
  }
  auto index = load_index(dir.file("idx/image.index"));
  const int64_t nq = 50;
  const int64_t k = 10;
  const auto labels = search(*index, images, nq, k);
  for (int64_t q = 0; q < nq; ++q) {
    const auto truth = brute_force_top_k(images, images.row(q), k);
    EXPECT_EQ(std::vector<int64_t>(labels.begin() + q * k, labels.begin() + (q + 1) * k), truth)
        << "query " << q;
  }
  EXPECT_EQ(load_index(dir.file("idx/text.index"))->ntotal, 300);
}

TEST(IndexBuildTest, IvfChoiceReachesRecallAndMemoryMappedAnswersTheSame) {
  TempDir dir;
  const Embeddings e = clustered_embeddings(20000, 32, 3);
  write_embedding_files(dir.file("emb/img_emb"), e, 4);
  const auto r =
      run_clip_retrieval("index " + quote(dir.file("emb")) + " " + quote(dir.file("idx")) +
                         " --should_be_memory_mappable True"
                         // A generous latency target: recall must not depend on
                         // how loaded the test machine is.
                         " --max_index_query_time_ms 50");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto infos = read_json(dir.file("idx/image.json"));
  EXPECT_EQ(infos["index_key"], "IVF512,Flat");
  EXPECT_GE(infos["recall@10"].get<double>(), 0.9);
  auto in_ram = load_index(dir.file("idx/image.index"));
  const auto labels = search(*in_ram, e, 200, 10);
  EXPECT_GE(recall_against_brute_force(labels, e, 200, 10), 0.9);
  auto mapped = load_index(dir.file("idx/image.index"), faiss::IO_FLAG_MMAP);
  EXPECT_EQ(search(*mapped, e, 200, 10), labels);
}

TEST(IndexBuildTest, PqChoiceReachesRecall) {
  TempDir dir;
  const Embeddings e = clustered_embeddings(10000, 16, 4);
  write_embedding_files(dir.file("emb/img_emb"), e, 2);
  const auto r =
      run_clip_retrieval("index " + quote(dir.file("emb")) + " " + quote(dir.file("idx")) +
                         " --index_key IVF64,PQ16x8 --max_index_query_time_ms 50");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto infos = read_json(dir.file("idx/image.json"));
  EXPECT_NE(infos["index_param"].get<std::string>().find("nprobe="), std::string::npos);
  EXPECT_GE(infos["recall@10"].get<double>(), 0.9);
  EXPECT_GT(infos["reconstruction error %"].get<double>(), 0.0);
  auto index = load_index(dir.file("idx/image.index"));
  EXPECT_GE(recall_against_brute_force(search(*index, e, 200, 10), e, 200, 10), 0.9);
}

TEST(IndexBuildTest, ScalarQuantizedChoiceReachesRecallAndIsTheSizeEstimated) {
  TempDir dir;
  // 20,000 x 32: IVF512,Flat needs 2.6 MiB, IVF512,SQ8 0.9 MiB; the budget fits only the latter.
  const Embeddings e = clustered_embeddings(20000, 32, 11);
  write_embedding_files(dir.file("emb/img_emb"), e, 2);
  const auto r =
      run_clip_retrieval("index " + quote(dir.file("emb")) + " " + quote(dir.file("idx")) +
                         " --max_index_memory_usage 1M --max_index_query_time_ms 50");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto infos = read_json(dir.file("idx/image.json"));
  EXPECT_EQ(infos["index_key"], "IVF512,SQ8");
  EXPECT_GE(infos["recall@10"].get<double>(), 0.9);
  auto index = load_index(dir.file("idx/image.index"));
  EXPECT_GE(recall_against_brute_force(search(*index, e, 200, 10), e, 200, 10), 0.9);
  // The estimate the choice was made on against the file faiss wrote (headers aside).
  const auto estimate = index::estimated_index_bytes(index::parse_index_key("IVF512,SQ8"), e.rows,
                                                     e.dim, /*make_direct_map=*/false);
  const auto written = static_cast<int64_t>(fs::file_size(dir.file("idx/image.index")));
  EXPECT_NEAR(static_cast<double>(written), static_cast<double>(estimate), 0.01 * estimate);
}

TEST(IndexBuildTest, PeakMemoryStaysUnderTheBudget) {
  TempDir dir;
  // 400,000 x 64: 51 MB of float16 on disk, 102 MB as float32, budget 96 MB.
  const Embeddings e = clustered_embeddings(400000, 64, 5);
  write_embedding_files(dir.file("emb/img_emb"), e, 2);
  const auto run = run_measured("index '" + dir.file("emb") + "' '" + dir.file("idx") +
                                "' --current_memory_available 96M --max_index_memory_usage 32M "
                                "--index_key IVF64,PQ8x8 --index_param nprobe=16,ht=2048");
  ASSERT_EQ(run.exit_code, 0);
  const auto infos = read_json(dir.file("idx/image.json"));
  EXPECT_EQ(infos["nb vectors"], 400000);
  // The process's own high-water mark, and (when GNU time is there) its parent's wait4 view.
  EXPECT_LT(infos["peak_memory_bytes"].get<int64_t>(), 96ll << 20);
  if (run.max_rss_kb > 0) {
    EXPECT_LT(run.max_rss_kb, 96 * 1024);
  }
  std::cerr << "peak RSS " << run.max_rss_kb << " KB (wait4), "
            << infos["peak_memory_bytes"].get<int64_t>() / 1024 << " KB (VmHWM)\n";
}

TEST(IndexBuildTest, ReservedHnswGrowsWithoutReallocatingAcrossBatches) {
  const Embeddings e = clustered_embeddings(6000, 16, 9);
  auto index = index::create_empty_index("HNSW8", 16, /*inner_product=*/true);
  index::reserve_index_storage(index.get(), e.rows);
  auto& hnsw = dynamic_cast<faiss::IndexHNSW&>(*index).hnsw;
  const int* links = hnsw.neighbors.data();
  for (int64_t begin = 0; begin < e.rows; begin += 1500) index->add(1500, e.row(begin));
  EXPECT_EQ(index->ntotal, e.rows);
  EXPECT_EQ(hnsw.neighbors.data(), links) << "the link array was reallocated";
  EXPECT_LE(hnsw.neighbors.size(), hnsw.neighbors.capacity());
}

TEST(IndexBuildTest, CombinerOutputAnswersLikeOneIndexOverAllVectors) {
  TempDir dir;
  const Embeddings e = clustered_embeddings(6000, 16, 6);
  std::unique_ptr<faiss::Index> trained(
      faiss::index_factory(16, "IVF32,Flat", faiss::METRIC_INNER_PRODUCT));
  trained->train(e.rows, e.values.data());
  std::unique_ptr<faiss::Index> whole(faiss::clone_index(trained.get()));
  whole->add(e.rows, e.values.data());
  fs::create_directories(dir.file("parts"));
  const int64_t bounds[] = {0, 2500, 4000, 6000};
  for (int p = 0; p < 3; ++p) {
    std::unique_ptr<faiss::Index> part(faiss::clone_index(trained.get()));
    std::vector<faiss::Index::idx_t> ids;
    for (int64_t i = bounds[p]; i < bounds[p + 1]; ++i) ids.push_back(i);
    part->add_with_ids(ids.size(), e.row(bounds[p]), ids.data());
    faiss::write_index(part.get(), dir.file("parts/knn.index0" + std::to_string(p)).c_str());
  }
  write_file(dir.file("parts/README.txt"), "ignored: no 'index' in the name");
  const auto r = run_clip_retrieval("index_combiner --input_folder " + quote(dir.file("parts")) +
                                    " --output_folder " + quote(dir.file("out")));
  ASSERT_EQ(r.exit_code, 0) << r.err;
  // faiss's on-disk lists printf() "creating file" / "resizing" lines: not onto our stdout.
  EXPECT_EQ(r.out.find("resizing"), std::string::npos) << r.out;
  EXPECT_EQ(r.out.find("creating file"), std::string::npos) << r.out;
  EXPECT_TRUE(fs::exists(dir.file("out/merged_index.ivfdata")));
  auto merged = load_index(dir.file("out/populated.index"), faiss::IO_FLAG_ONDISK_SAME_DIR);
  EXPECT_EQ(merged->ntotal, 6000);
  dynamic_cast<faiss::IndexIVF&>(*merged).nprobe = 8;
  dynamic_cast<faiss::IndexIVF&>(*whole).nprobe = 8;
  EXPECT_EQ(search(*merged, e, 100, 10), search(*whole, e, 100, 10));
}

TEST(IndexBuildTest, CombinerRefusesIndicesTrainedApart) {
  TempDir dir;
  fs::create_directories(dir.file("parts"));
  for (int p = 0; p < 2; ++p) {
    const Embeddings e = clustered_embeddings(2000, 16, 10 + p);
    std::unique_ptr<faiss::Index> index(
        faiss::index_factory(16, "IVF16,Flat", faiss::METRIC_INNER_PRODUCT));
    index->train(e.rows, e.values.data());
    index->add(e.rows, e.values.data());
    faiss::write_index(index.get(), dir.file("parts/" + std::to_string(p) + ".index").c_str());
  }
  const auto r = run_clip_retrieval("index_combiner " + quote(dir.file("parts")) + " " +
                                    quote(dir.file("out")));
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("coarse centroid"), std::string::npos) << r.err;
  EXPECT_FALSE(fs::exists(dir.file("out/populated.index")));
}

}  // namespace
}  // namespace clipret::testing
