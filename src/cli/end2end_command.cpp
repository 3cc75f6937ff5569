// `clip-retrieval end2end`: download → inference → index → indices_paths.json → back (spec §7),
// each step run as its own command would run it, so each keeps its own set-up and resumption.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "cli/command.h"
#include "cli/option_table.h"
#include "core/atomic_file.h"
#include "core/error.h"
#include "core/interrupt.h"
#include "core/log.h"
#include "download/download_options.h"
#include "download/download_runner.h"
#include "parquet/parquet_reader.h"

namespace clipret::cli {
namespace {

namespace fs = std::filesystem;

struct End2endOptions {
  std::vector<std::string> url_list;
  std::string output_folder;
  bool run_back = true;
  int64_t port = 1234;
  std::string clip_model = "ViT-B/32";
  std::string index_memory = "4G";
  std::optional<std::string> input_format;  // None: from url_list's extension, else parquet
  std::optional<std::string> url_col;       // None: URL or url, whichever the input has
  std::optional<std::string> caption_col;   // None: TEXT, caption or text, if the input has one
  int64_t thread_count = 128;
  int64_t processes_count = 4;
  int64_t image_size = 256;
  int64_t number_sample_per_shard = 10000;
  int64_t batch_size = 512;
  std::optional<std::string> clip_cache_path;
};

OptionTable end2end_table(End2endOptions& o) {
  OptionTable t("clip-retrieval end2end",
                "Everything from a url list to a search UI: download the images (webdataset "
                "shards in <output_folder>/images), compute their CLIP embeddings "
                "(<output_folder>/embeddings), build the indices (<output_folder>/index), write "
                "<output_folder>/indices_paths.json, then serve the back and its web UI at "
                "http://localhost:<port>. Rerun the same command to resume after a stop.");
  t.add_string_list("url_list", &o.url_list,
                    "the urls: a parquet (img2dataset's test_1000.parquet: URL and TEXT "
                    "columns), csv, tsv, json, jsonl or txt file, a folder or brace patterns",
                    /*required=*/true);
  t.add_string("output_folder", &o.output_folder,
               "receives images/, embeddings/, index/ and indices_paths.json",
               /*required=*/true);
  t.add_bool("run_back", &o.run_back, "serve the back and the UI at the end");
  t.add_int("port", &o.port, "port of the back and the UI");
  t.add_string("clip_model", &o.clip_model,
               "CLIP model of the embeddings and the back (names as `inference`, or a local "
               "model folder)");
  t.add_string("index_memory", &o.index_memory,
               "memory the index may use when searched (index's max_index_memory_usage)");
  t.add_optional_string("input_format", &o.input_format,
                        "format of url_list (download's input_format); None: from the file "
                        "name's extension, parquet for folders and patterns");
  t.add_optional_string("url_col", &o.url_col,
                        "column of the urls; None: URL (img2dataset's test files) or url, "
                        "whichever the input has");
  t.add_optional_string("caption_col", &o.caption_col,
                        "column of the captions; None: TEXT, caption or text, the first the "
                        "input has (none: no captions)");
  t.add_int("thread_count", &o.thread_count, "download: concurrent transfers per shard");
  t.add_int("processes_count", &o.processes_count, "download: shards downloaded at once");
  t.add_int("image_size", &o.image_size, "download: images resized to fit this square");
  t.add_int("number_sample_per_shard", &o.number_sample_per_shard, "download: rows per shard");
  t.add_int("batch_size", &o.batch_size, "inference: samples per model call");
  t.add_optional_string("clip_cache_path", &o.clip_cache_path,
                        "model download cache; None means ~/.cache/clip_retrieval");
  return t;
}

bool ends_with(const std::string& text, const std::string& suffix) {
  return text.size() >= suffix.size() &&
         text.compare(text.size() - suffix.size(), suffix.size(), suffix) == 0;
}

std::string detected_input_format(const End2endOptions& o) {
  if (o.input_format) return *o.input_format;
  if (o.url_list.size() == 1 && fs::is_regular_file(o.url_list[0])) {
    for (const char* format : {"txt.gz", "csv.gz", "tsv.gz", "jsonl.gz", "json.gz", "parquet",
                               "txt", "csv", "tsv", "jsonl", "json"}) {
      if (ends_with(o.url_list[0], std::string(".") + format)) return format;
    }
  }
  return "parquet";
}

// The column names of a csv/tsv header line (quotes around a name removed).
std::vector<std::string> header_names(const std::string& path, char delimiter) {
  std::ifstream in(path);
  std::string line;
  std::getline(in, line);
  if (!line.empty() && line.back() == '\r') line.pop_back();
  std::vector<std::string> names;
  size_t start = 0;
  while (start <= line.size()) {
    size_t end = line.find(delimiter, start);
    if (end == std::string::npos) end = line.size();
    std::string name = line.substr(start, end - start);
    if (name.size() >= 2 && name.front() == '"' && name.back() == '"') {
      name = name.substr(1, name.size() - 2);
    }
    names.push_back(name);
    start = end + 1;
  }
  return names;
}

// The first input file the url list names with this extension (a file, or the first such file
// of a folder).
std::optional<std::string> first_input_file(const std::vector<std::string>& url_list,
                                            const std::string& extension) {
  for (const std::string& item : url_list) {
    std::error_code ec;
    if (fs::is_regular_file(item, ec)) return item;
    if (fs::is_directory(item, ec)) {
      std::vector<std::string> files;
      for (const auto& entry : fs::directory_iterator(item, ec)) {
        if (entry.path().extension() == extension) files.push_back(entry.path().string());
      }
      std::sort(files.begin(), files.end());
      if (!files.empty()) return files.front();
    }
  }
  return std::nullopt;
}

// Fills url_col and caption_col from the parquet's columns when not given: img2dataset's test
// files say URL/TEXT, LAION's parquet url/caption.
void detect_columns(const End2endOptions& o, const std::string& format,
                    download::DownloadOptions& d) {
  std::vector<std::string> names;
  if (format == "parquet") {
    if (const auto file = first_input_file(o.url_list, ".parquet")) {
      // The reader held here: `open(...)->schema()` as the range would refer to the schema of a
      // temporary reader, gone before the loop body runs.
      const auto reader = parquet::ParquetReader::open(*file);
      for (const auto& column : reader->schema()) names.push_back(column.name);
    }
  } else if (format == "csv" || format == "tsv") {
    if (const auto file = first_input_file(o.url_list, "." + format)) {
      names = header_names(*file, format == "csv" ? ',' : '\t');
    }
  }
  auto first_present = [&](std::initializer_list<const char*> candidates) {
    std::optional<std::string> found;
    for (const char* candidate : candidates) {
      if (std::find(names.begin(), names.end(), candidate) != names.end()) {
        found = candidate;
        break;
      }
    }
    return found;
  };
  d.url_col = o.url_col.value_or(first_present({"URL", "url"}).value_or("url"));
  d.caption_col = o.caption_col ? o.caption_col : first_present({"TEXT", "caption", "text"});
}

std::vector<std::string> tar_files(const fs::path& folder) {
  std::vector<std::string> tars;
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(folder, ec)) {
    if (entry.is_regular_file() && entry.path().extension() == ".tar") {
      tars.push_back(entry.path().string());
    }
  }
  std::sort(tars.begin(), tars.end());
  return tars;
}

// True when index_folder holds an image index written after every file under embeddings (a
// finished index step of an earlier run over the same embeddings).
bool index_is_current(const std::string& index_folder, const std::string& embeddings) {
  std::error_code ec;
  const fs::path index = fs::path(index_folder) / "image.index";
  const fs::path info = fs::path(index_folder) / "image.json";
  if (!fs::is_regular_file(index, ec) || !fs::is_regular_file(info, ec)) return false;
  const auto built = fs::last_write_time(info, ec);
  if (ec) return false;
  for (fs::recursive_directory_iterator it(embeddings, ec), end; !ec && it != end;
       it.increment(ec)) {
    if (it->is_regular_file(ec) && it->last_write_time(ec) > built) return false;
  }
  return !ec;
}

// Successes per shard on average, from the download's <shard>_stats.json files: inference
// estimates its sample count (and so its partitions) from a per-shard count, 10000 by default,
// which small end2end runs are far from.
int64_t samples_per_shard(const fs::path& images) {
  int64_t shards = 0, successes = 0;
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(images, ec)) {
    const std::string name = entry.path().filename().string();
    if (name.size() <= 11 || name.compare(name.size() - 11, 11, "_stats.json") != 0) continue;
    std::ifstream in(entry.path());
    const nlohmann::json stats = nlohmann::json::parse(in, nullptr, /*allow_exceptions=*/false);
    if (!stats.is_object() || !stats.contains("successes")) continue;
    ++shards;
    successes += stats["successes"].get<int64_t>();
  }
  return shards == 0 ? 1 : std::max<int64_t>(1, (successes + shards - 1) / shards);
}

std::string list_literal(const std::vector<std::string>& items) {
  return nlohmann::json(items).dump();
}

class StepClock {
 public:
  void start(int number, const char* name, const std::string& detail) {
    name_ = name;
    started_ = std::chrono::steady_clock::now();
    CLIPRET_LOG_INFO("end2end step %d/4: %s %s", number, name, detail.c_str());
  }
  void stop(const std::string& result) {
    const double seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - started_).count();
    lines_.push_back(std::string(name_) + ": " + result + " in " + seconds_text(seconds));
  }
  const std::vector<std::string>& lines() const { return lines_; }

 private:
  static std::string seconds_text(double seconds) {
    char text[32];
    std::snprintf(text, sizeof(text), "%.1f s", seconds);
    return text;
  }
  const char* name_ = "";
  std::chrono::steady_clock::time_point started_;
  std::vector<std::string> lines_;
};

void log_summary(const StepClock& clock) {
  for (const std::string& line : clock.lines()) CLIPRET_LOG_INFO("end2end: %s", line.c_str());
}

int check(int exit_code, const char* step) {
  if (exit_code != 0) {
    CLIPRET_THROW(Internal, "end2end: the %s step ended with exit code %d", step, exit_code);
  }
  return exit_code;
}

}  // namespace

std::vector<OptionTable> end2end_tables() {
  static End2endOptions defaults;
  return {end2end_table(defaults)};
}

int run_end2end_command(const std::vector<std::string>& args) {
  End2endOptions o;
  OptionTable table = end2end_table(o);
  if (!parse_or_show_help(table, args)) return 0;
  const fs::path out = fs::absolute(o.output_folder);
  fs::create_directories(out);
  const std::string images = (out / "images").string();
  const std::string embeddings = (out / "embeddings").string();
  const std::string index_folder = (out / "index").string();
  StepClock clock;

  // 1. download, stoppable with Ctrl-C (its shards resume).
  download::DownloadOptions d;
  d.url_list = o.url_list;
  d.output_folder = images;
  d.input_format = detected_input_format(o);
  detect_columns(o, d.input_format, d);
  d.output_format = "webdataset";
  d.image_size = o.image_size;
  d.thread_count = o.thread_count;
  d.processes_count = o.processes_count;
  d.number_sample_per_shard = o.number_sample_per_shard;
  clock.start(1, "download",
              "→ " + images + " (url column " + d.url_col + ", caption column " +
                  d.caption_col.value_or("None") + ")");
  const std::atomic<bool>& stop = core::install_interrupt_handlers();
  const download::DownloadSummary downloaded = download::run_download(d, &stop);
  core::restore_default_interrupt_handlers();
  if (stop.load()) {
    CLIPRET_LOG_WARN("end2end stopped during the download; run the same command to resume");
    return 130;
  }
  clock.stop(std::to_string(downloaded.successes) + " images of " +
             std::to_string(downloaded.count) + " urls (" +
             std::to_string(downloaded.shards_skipped) + " shards already done)");
  const std::vector<std::string> tars = tar_files(images);
  if (downloaded.successes == 0 && downloaded.shards_skipped == 0) {
    CLIPRET_THROW(InvalidInput,
                  "end2end: no image was downloaded from %s (see the failures above and "
                  "%s/*.parquet)",
                  o.url_list[0].c_str(), images.c_str());
  }

  // 2. inference over every shard (resumes by its partitions' stats).
  std::vector<std::string> inference_args = {
      "--input_dataset=" + list_literal(tars),
      "--output_folder=" + embeddings,
      "--input_format=webdataset",
      "--enable_metadata=True",
      "--write_batch_size=100000",
      "--batch_size=" + std::to_string(o.batch_size),
      "--clip_model=" + o.clip_model,
      "--wds_number_file_per_input_file=" + std::to_string(samples_per_shard(images))};
  if (o.clip_cache_path) inference_args.push_back("--clip_cache_path=" + *o.clip_cache_path);
  clock.start(2, "inference", "of " + std::to_string(tars.size()) + " shards → " + embeddings);
  check(run_inference_command(inference_args), "inference");
  clock.stop("embeddings written");

  // 3. index: kept when newer than every embedding file, else rebuilt from scratch.
  clock.start(3, "index", "→ " + index_folder);
  if (index_is_current(index_folder, embeddings)) {
    clock.stop("kept (newer than the embeddings)");
  } else {
    fs::remove_all(index_folder);
    fs::create_directories(index_folder);
    check(run_index_command({embeddings, "--index_folder=" + index_folder,
                             "--max_index_memory_usage=" + o.index_memory}),
          "index");
    clock.stop("indices built");
  }

  // 4. indices_paths.json, then the back.
  const std::string indices_paths = (out / "indices_paths.json").string();
  {
    const std::string temporary = core::temporary_path_for(indices_paths);
    std::ofstream file(temporary);
    file << nlohmann::json({{"example_index", index_folder}}).dump() << "\n";
    file.close();
    if (!file) CLIPRET_THROW(Io, "cannot write %s", temporary.c_str());
    core::rename_into_place(temporary, indices_paths);
  }
  log_summary(clock);
  if (!o.run_back) {
    CLIPRET_LOG_INFO(
        "end2end: done; serve it with: clip-retrieval back --indices_paths %s "
        "--clip_model %s",
        indices_paths.c_str(), o.clip_model.c_str());
    return 0;
  }
  if (o.port == 0) {
    CLIPRET_LOG_INFO(
        "end2end step 4/4: back on a free port, named by its \"listening on\" line "
        "(Ctrl-C stops it)");
  } else {
    CLIPRET_LOG_INFO("end2end step 4/4: back and web UI at http://localhost:%lld (Ctrl-C stops it)",
                     static_cast<long long>(o.port));
  }
  std::vector<std::string> back_args = {"--indices_paths=" + indices_paths,
                                        "--port=" + std::to_string(o.port),
                                        "--clip_model=" + o.clip_model};
  if (o.clip_cache_path) back_args.push_back("--clip_cache_path=" + *o.clip_cache_path);
  return run_back_command(back_args);
}

}  // namespace clipret::cli
