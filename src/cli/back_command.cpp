// `clip-retrieval back`: the option table over BackOptions, then back::run_back.
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>

#include "back/back_server.h"
#include "cli/command.h"
#include "cli/option_table.h"
#include "core/compute_threads.h"
#include "hub/hub_options.h"

namespace clipret::cli {
namespace {

void add_back_options(OptionTable& t, back::BackOptions& o) {
  t.add_string("indices_paths", &o.indices_paths,
               "JSON file: index name -> folder, or -> {\"indice_folder\": ..., per-index "
               "options}; the first index is the default");
  t.add_int("port", &o.port, "TCP port to listen on (0: any free port, logged at startup)");
  t.add_bool("enable_hdf5", &o.enable_hdf5,
             "serve metadata from disk (here a SQLite file built once next to the index, "
             "near-zero RAM) instead of memory");
  t.add_bool("enable_faiss_memory_mapping", &o.enable_faiss_memory_mapping,
             "memory-map the indices (a file, or a folder with populated.index + "
             "merged_index.ivfdata) instead of reading them into RAM");
  t.add_string_list("columns_to_return", &o.columns_to_return,
                    "metadata columns to return; None: url, image_path, caption, NSFW");
  t.add_bool("reorder_metadata_by_ivf_index", &o.reorder_metadata_by_ivf_index,
             "reorder on-disk metadata by the image index's IVF lists (fast metadata for large "
             "num_images; needs enable_hdf5 and an IVF image index)");
  t.add_optional_string("default_backend", &o.default_backend,
                        "defaultBackend of /config.json; None: the URL the browser used");
  t.add_string("url_column", &o.url_column, "urlColumn of /config.json");
  t.add_bool("enable_mclip_option", &o.enable_mclip_option,
             "accepted for compatibility: multilingual CLIP is not available (use_mclip "
             "requests get a 400)");
  t.add_string("clip_model", &o.clip_model,
               "model embedding the queries: ViT-B/32, ViT-L/14, hf_clip:ORG/NAME, "
               "open_clip:ARCH/TAG or a local folder");
  t.add_bool("use_jit", &o.use_jit, "accepted for compatibility (no effect)");
  t.add_bool("use_arrow", &o.use_arrow,
             "accepted for compatibility: metadata is read from metadata/*.parquet");
  t.add_bool("provide_safety_model", &o.provide_safety_model,
             "load the NSFW head (safetensors MLP, see --safety_model_path) for "
             "use_safety_model");
  t.add_bool("provide_violence_detector", &o.provide_violence_detector,
             "load the violence prompt matrix (see --violence_detector_path) for "
             "use_violence_detector");
  t.add_bool("provide_aesthetic_embeddings", &o.provide_aesthetic_embeddings,
             "load rating0..9.npy (see --aesthetic_embeddings_folder) for aesthetic_score; "
             "missing files switch it off");
  t.add_optional_string("safety_model_path", &o.safety_model_path,
                        "safety head (.safetensors, docs/back.md); None: "
                        "<cache>/<clip_model, / as _>/safety_head.safetensors");
  t.add_optional_string("violence_detector_path", &o.violence_detector_path,
                        "violence prompt matrix .npy (LAION's violence_detection_vit_b_32.npy "
                        "etc.); None: <cache>/violence_detection_<vit_b_32|vit_l_14|...>.npy");
  t.add_optional_string("aesthetic_embeddings_folder", &o.aesthetic_embeddings_folder,
                        "folder of rating0.npy .. rating9.npy (LAION aesthetic-predictor); "
                        "None: <cache>/aesthetic_embeddings/<vit_b_32|vit_l_14|...>");
  t.add_string("host", &o.host, "address to listen on");
  t.add_optional_string("front_folder", &o.front_folder,
                        "built web front (index.html + assets); None: "
                        "<prefix>/share/clip-retrieval/front or front/dist near the binary");
  t.add_bool("allow_private_urls", &o.allow_private_urls,
             "let image_url reach loopback, private and link-local addresses (off: refused, "
             "against SSRF)");
  t.add_int("max_body_bytes", &o.max_body_bytes, "larger request bodies get a 413");
  t.add_int("http_threads", &o.http_threads,
            "request threads; each open keep-alive connection holds one");
  t.add_int("faiss_threads", &o.faiss_threads, "OpenMP threads of one faiss search");
  t.add_int("max_text_batch", &o.max_text_batch,
            "most concurrent text queries embedded in one model call");
  t.add_int("model_threads", &o.model_threads,
            "threads of the model's own kernels, which run the products of text queries (a "
            "lone query splits over them); 0 = every core. Large batches run on OpenBLAS, on "
            "every core");
  t.add_int("batch_gather_us", &o.batch_gather_us,
            "after a batch of several texts, how long (microseconds) the next one waits for as "
            "many queries to arrive; 0: never wait (a lone client never waits)");
  t.add_optional_string("clip_cache_path", &o.clip_cache_path,
                        "model and resource cache; None means ~/.cache/clip_retrieval");
}

std::string default_front_folder() {
  namespace fs = std::filesystem;
  std::error_code ec;
  const fs::path exe = fs::read_symlink("/proc/self/exe", ec);
  if (ec) return "";
  const fs::path dir = exe.parent_path();
  for (const fs::path& candidate : {dir / ".." / "share" / "clip-retrieval" / "front",
                                    dir / "front" / "dist", dir / ".." / "front" / "dist"}) {
    if (fs::is_regular_file(candidate / "index.html", ec)) return candidate.lexically_normal();
  }
  return (dir / ".." / "share" / "clip-retrieval" / "front").lexically_normal();
}

}  // namespace

int run_back_command(const std::vector<std::string>& args) {
  back::BackOptions options;
  OptionTable table("clip-retrieval back",
                    "Serve indices over HTTP with the original's API: /indices-list, "
                    "/knn-service, /metadata, /metrics, /metrics-summary, /config.json, /health "
                    "and the web front. See docs/back.md.");
  add_back_options(table, options);
  if (!table.parse(args)) {
    std::fputs(table.help().c_str(), stdout);
    return 0;
  }
  // Requests run in parallel already: faiss's OpenMP team per search stays small, and OpenBLAS
  // (a model's large batches) gets the cores.
  core::configure_compute_threads(
      {.blas = core::available_cores(),
       .openmp = static_cast<int>(std::max<int64_t>(1, options.faiss_threads))});
  back::BackEnvironment environment;
  environment.service.hub = hub::hub_options_from_environment(options.clip_cache_path);
  environment.service.hub.show_progress = false;
  environment.service.model.threads = static_cast<int>(std::max<int64_t>(0, options.model_threads));
  environment.service.model.max_batch =
      static_cast<size_t>(std::max<int64_t>(1, options.max_text_batch));
  environment.service.embedder.max_text_batch = environment.service.model.max_batch;
  environment.service.embedder.gather_window =
      std::chrono::microseconds(std::max<int64_t>(0, options.batch_gather_us));
  environment.service.fetch.allow_private_addresses = options.allow_private_urls;
  environment.front_folder = options.front_folder.value_or(default_front_folder());
  back::run_back(options, environment);
  return 0;
}

}  // namespace clipret::cli
