#include "back/back_options.h"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <set>

#include "back/index_option_fields.h"
#include "core/error.h"

namespace clipret::back {
namespace {

TEST(ParseIndicesPaths, StringsAndObjectsInFileOrder) {
  BackOptions cli;
  cli.index_defaults.clip_model = "ViT-L/14";
  cli.index_defaults.enable_hdf5 = true;
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
  EXPECT_NE(message(R"({"a": 5E545})").find("not valid JSON"), std::string::npos);
  EXPECT_NE(message(R"({"a": 3})").find("index 'a'"), std::string::npos);
  EXPECT_NE(message(R"({"a": {"indice_folder": "/x", "enable_hfd5": true}})").find("enable_hfd5"),
            std::string::npos);
  EXPECT_NE(message(R"({"a": {"indice_folder": "/x", "enable_hdf5": "yes"}})").find("enable_hdf5"),
            std::string::npos);
  EXPECT_NE(message(R"({"a": {"clip_model": "ViT-B/32"}})").find("indice_folder"),
            std::string::npos);
}

using nlohmann::json;

// A row's field in `options`, as JSON.
json value_of(const IndexOptionField& field, const search::IndexOptions& options) {
  switch (field.kind) {
    case IndexFieldKind::kString:
    case IndexFieldKind::kPath:
      return options.*field.text;
    case IndexFieldKind::kBool:
      return options.*field.flag;
    case IndexFieldKind::kStringList:
      return options.*field.list;
  }
  return nullptr;
}

// A value of the row's type that differs from `defaults`.
json other_value(const IndexOptionField& field, const search::IndexOptions& defaults) {
  switch (field.kind) {
    case IndexFieldKind::kString:
    case IndexFieldKind::kPath:
      return std::string("/custom/") + field.name;
    case IndexFieldKind::kBool:
      return !(defaults.*field.flag);
    case IndexFieldKind::kStringList:
      return json::array({"custom", field.name});
  }
  return nullptr;
}

std::string error_of(const std::string& text) {
  try {
    parse_indices_paths(text, "paths.json", BackOptions{});
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::kInvalidInput);
    return e.what();
  }
  return "";
}

TEST(IndexOptionFields, RowsAreWellFormed) {
  std::set<std::string> names;
  for (const IndexOptionField& field : index_option_fields()) {
    EXPECT_TRUE(names.insert(field.name).second) << field.name << " declared twice";
    EXPECT_NE(std::string(field.name), "indice_folder");
    ASSERT_NE(field.help, nullptr) << field.name;
    EXPECT_GT(std::string(field.help).size(), 10u) << field.name;
    const int members = (field.text != nullptr) + (field.flag != nullptr) + (field.list != nullptr);
    EXPECT_EQ(members, 1) << field.name;
  }
  EXPECT_EQ(names.size(), 15u);
}

// Each field given alone in an entry reaches that entry's IndexOptions and nothing else;
// the command line's values fill the rest.
TEST(IndexOptionFields, EveryFieldIsReadFromAnEntry) {
  BackOptions cli;
  cli.index_defaults.clip_model = "ViT-L/14";
  cli.index_defaults.provide_safety_model = true;
  for (const IndexOptionField& field : index_option_fields()) {
    const json value = other_value(field, cli.index_defaults);
    json entry = {{"indice_folder", "/data/a"}};
    entry[field.name] = value;
    const auto indices = parse_indices_paths(json{{"a", entry}}.dump(), "<string>", cli);
    ASSERT_EQ(indices.size(), 1u);
    EXPECT_EQ(indices[0].indice_folder, "/data/a");
    EXPECT_EQ(value_of(field, indices[0]), value) << field.name;
    for (const IndexOptionField& other : index_option_fields()) {
      if (&other == &field) continue;
      EXPECT_EQ(value_of(other, indices[0]), value_of(other, cli.index_defaults))
          << other.name << " changed by " << field.name;
    }
  }
}

TEST(IndexOptionFields, WrongTypesNameTheEntryAndField) {
  for (const IndexOptionField& field : index_option_fields()) {
    json entry = {{"indice_folder", "/x"}};
    entry[field.name] = field.kind == IndexFieldKind::kBool ? json("yes") : json(3);
    const std::string message = error_of(json{{"a", entry}}.dump());
    const char* expected = field.kind == IndexFieldKind::kBool         ? "must be true or false"
                           : field.kind == IndexFieldKind::kStringList ? "must be a list of strings"
                                                                       : "must be a string";
    EXPECT_EQ(message, std::string("paths.json: index 'a': ") + field.name + " " + expected);
  }
}

TEST(IndexOptionFields, NullColumnsMeanTheDefaultColumns) {
  BackOptions cli;
  cli.index_defaults.columns_to_return = {"url"};
  const auto indices = parse_indices_paths(
      R"({"a": {"indice_folder": "/x", "columns_to_return": null}})", "<string>", cli);
  EXPECT_TRUE(indices[0].columns_to_return.empty());
}

}  // namespace
}  // namespace clipret::back
