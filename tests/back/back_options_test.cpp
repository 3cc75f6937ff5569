#include "back/back_options.h"

#include <gtest/gtest.h>

#include "core/error.h"

namespace clipret::back {
namespace {

TEST(ParseIndicesPaths, StringsAndObjectsInFileOrder) {
  BackOptions cli;
  cli.clip_model = "ViT-L/14";
  cli.enable_hdf5 = true;
  const auto indices = parse_indices_paths(
      R"({"zeta": "/data/z",
          "alpha": {"indice_folder": "/data/a", "enable_hdf5": false,
                    "columns_to_return": ["url", "caption"], "clip_model": "ViT-B/32",
                    "provide_safety_model": true, "safety_model_path": "/m/head.safetensors"},
          "mid": {"indice_folder": "/data/m"}})",
      "<string>", cli);
  ASSERT_EQ(indices.size(), 3u);
  EXPECT_EQ(indices[0].name, "zeta");
  EXPECT_EQ(indices[0].indice_folder, "/data/z");
  EXPECT_EQ(indices[0].clip_model, "ViT-L/14");
  EXPECT_TRUE(indices[0].enable_hdf5);
  EXPECT_EQ(indices[1].name, "alpha");
  EXPECT_FALSE(indices[1].enable_hdf5);
  EXPECT_EQ(indices[1].columns_to_return, (std::vector<std::string>{"url", "caption"}));
  EXPECT_EQ(indices[1].clip_model, "ViT-B/32");
  EXPECT_TRUE(indices[1].provide_safety_model);
  EXPECT_EQ(indices[1].safety_model_path, "/m/head.safetensors");
  // No cumulative merge (quirk, spec §3.2): "mid" starts from the command line, not "alpha".
  EXPECT_EQ(indices[2].name, "mid");
  EXPECT_TRUE(indices[2].enable_hdf5);
  EXPECT_EQ(indices[2].clip_model, "ViT-L/14");
  EXPECT_FALSE(indices[2].provide_safety_model);
  EXPECT_TRUE(indices[2].columns_to_return.empty());
}

TEST(ParseIndicesPaths, MistakesAreNamed) {
  const BackOptions cli;
  const auto message = [&](const std::string& text) -> std::string {
    try {
      parse_indices_paths(text, "paths.json", cli);
    } catch (const Error& e) {
      EXPECT_EQ(e.kind(), ErrorKind::kInvalidInput);
      return e.what();
    }
    return "";
  };
  EXPECT_NE(message("{").find("paths.json"), std::string::npos);
  EXPECT_NE(message("[]").find("JSON object"), std::string::npos);
  EXPECT_NE(message(R"({"a": 3})").find("index 'a'"), std::string::npos);
  EXPECT_NE(message(R"({"a": {"indice_folder": "/x", "enable_hfd5": true}})").find("enable_hfd5"),
            std::string::npos);
  EXPECT_NE(message(R"({"a": {"indice_folder": "/x", "enable_hdf5": "yes"}})").find("enable_hdf5"),
            std::string::npos);
  EXPECT_NE(message(R"({"a": {"clip_model": "ViT-B/32"}})").find("indice_folder"),
            std::string::npos);
}

}  // namespace
}  // namespace clipret::back
