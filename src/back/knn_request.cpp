#include "back/knn_request.h"

#include <nlohmann/json.hpp>

#include <cmath>
#include <cstdint>
#include <cstdlib>

#include "core/error.h"
#include "search/base64.h"

namespace clipret::back {
namespace {

using nlohmann::json;
using OrderedJson = nlohmann::ordered_json;

json parse_object(const std::string& body) {
  json root;
  try {
    root = json::parse(body);
  } catch (const json::exception& e) {  // parse_error, and out_of_range for a number like 1E999
    CLIPRET_THROW(InvalidInput, "the request body is not valid JSON: %s", e.what());
  }
  CLIPRET_CHECK(root.is_object(), InvalidInput, "the request body must be a JSON object");
  return root;
}

const json* field(const json& root, const char* key) {
  const auto it = root.find(key);
  return it == root.end() || it->is_null() ? nullptr : &*it;
}

std::optional<std::string> optional_string(const json& root, const char* key) {
  const json* v = field(root, key);
  if (v == nullptr) return std::nullopt;
  CLIPRET_CHECK(v->is_string(), InvalidInput, "%s must be a string", key);
  return v->get<std::string>();
}

bool optional_bool(const json& root, const char* key, bool fallback) {
  const json* v = field(root, key);
  if (v == nullptr) return fallback;
  CLIPRET_CHECK(v->is_boolean(), InvalidInput, "%s must be true or false", key);
  return v->get<bool>();
}

// An integer; a float with an integral value is accepted (JSON writers emit 10.0).
int64_t as_integer(const json& v, const char* key) {
  if (v.is_number_integer()) return v.get<int64_t>();
  if (v.is_number_float()) {
    const double d = v.get<double>();
    CLIPRET_CHECK(std::isfinite(d) && d == std::floor(d) && std::fabs(d) < 9e15, InvalidInput,
                  "%s must be an integer", key);
    return static_cast<int64_t>(d);
  }
  CLIPRET_THROW(InvalidInput, "%s must be an integer", key);
}

// The aesthetic fields: "" (the original's default) or null → none; a number or a numeric
// string as int()/float() would take it.
std::optional<double> aesthetic_number(const json& root, const char* key) {
  const json* v = field(root, key);
  if (v == nullptr) return std::nullopt;
  if (v->is_number()) return v->get<double>();
  CLIPRET_CHECK(v->is_string(), InvalidInput, "%s must be a number", key);
  const std::string text = v->get<std::string>();
  if (text.empty()) return std::nullopt;
  char* end = nullptr;
  const double d = std::strtod(text.c_str(), &end);
  CLIPRET_CHECK(end != text.c_str() && *end == '\0' && std::isfinite(d), InvalidInput,
                "%s must be a number, got '%s'", key, text.c_str());
  return d;
}

std::vector<float> number_list(const json& v, const std::string& name) {
  CLIPRET_CHECK(v.is_array() && !v.empty(), InvalidInput, "%s must be a non-empty list of numbers",
                name.c_str());
  std::vector<float> vector;
  vector.reserve(v.size());
  for (const json& x : v) {
    CLIPRET_CHECK(x.is_number(), InvalidInput, "%s must be a non-empty list of numbers",
                  name.c_str());
    vector.push_back(x.get<float>());
  }
  return vector;
}

// query_terms: [{"text" | "image" | "image_url" | "embedding_input": ..., "weight": w}, ...],
// exactly one input per term, weight 1 when absent.
std::vector<search::QueryTerm> parse_query_terms(const json& terms) {
  using Kind = search::QueryTerm::Kind;
  CLIPRET_CHECK(terms.is_array() && !terms.empty(), InvalidInput,
                "query_terms must be a non-empty list of terms");
  CLIPRET_CHECK(terms.size() <= search::kMaxQueryTerms, InvalidInput,
                "query_terms holds %zu terms; at most %zu are allowed", terms.size(),
                search::kMaxQueryTerms);
  std::vector<search::QueryTerm> parsed;
  for (size_t i = 0; i < terms.size(); ++i) {
    const json& term = terms[i];
    const std::string name = "query_terms[" + std::to_string(i) + "]";
    CLIPRET_CHECK(term.is_object(), InvalidInput, "%s must be an object", name.c_str());
    search::QueryTerm out;
    int inputs = 0;
    for (const auto& [key, value] : term.items()) {
      const std::string field_name = name + "." + key;
      if (key == "weight") {
        CLIPRET_CHECK(value.is_number() && std::isfinite(value.get<double>()), InvalidInput,
                      "%s must be a number", field_name.c_str());
        out.weight = value.get<float>();
        continue;
      }
      ++inputs;
      if (key == "embedding_input") {
        out.kind = Kind::kEmbedding;
        out.embedding = number_list(value, field_name);
        continue;
      }
      CLIPRET_CHECK(key == "text" || key == "image" || key == "image_url", InvalidInput,
                    "%s: unknown key (a term holds one of text, image, image_url, "
                    "embedding_input, and weight)",
                    field_name.c_str());
      CLIPRET_CHECK(value.is_string() && !value.get<std::string>().empty(), InvalidInput,
                    "%s must be a non-empty string", field_name.c_str());
      if (key == "text") {
        out.kind = Kind::kText;
        out.value = value.get<std::string>();
      } else if (key == "image_url") {
        out.kind = Kind::kImageUrl;
        out.value = value.get<std::string>();
      } else {
        out.kind = Kind::kImage;
        std::optional<std::string> bytes = search::base64_decode(value.get<std::string>());
        CLIPRET_CHECK(bytes.has_value(), InvalidInput, "%s must be base64-encoded image bytes",
                      field_name.c_str());
        out.value = std::move(*bytes);
      }
    }
    CLIPRET_CHECK(inputs == 1, InvalidInput,
                  "%s must hold exactly one of text, image, image_url and embedding_input",
                  name.c_str());
    parsed.push_back(std::move(out));
  }
  return parsed;
}

OrderedJson value_json(const metadata::MetadataValue& value) {
  if (std::holds_alternative<bool>(value)) return std::get<bool>(value);
  if (std::holds_alternative<int64_t>(value)) return std::get<int64_t>(value);
  if (std::holds_alternative<double>(value)) {
    const double d = std::get<double>(value);
    if (!std::isfinite(d)) return nullptr;  // JSON has no NaN (Python wrote an invalid NaN)
    return d;
  }
  if (std::holds_alternative<std::string>(value)) return std::get<std::string>(value);
  return nullptr;
}

OrderedJson row_json(const metadata::MetadataRow& row) {
  OrderedJson object = OrderedJson::object();
  for (const auto& [name, value] : row.fields) object[name] = value_json(value);
  return object;
}

std::string dump(const OrderedJson& j) {
  // Invalid UTF-8 in metadata must not turn into an exception (500): replace it.
  return j.dump(-1, ' ', false, OrderedJson::error_handler_t::replace);
}

}  // namespace

search::KnnQuery parse_knn_request(const std::string& body) {
  const json root = parse_object(body);
  search::KnnQuery query;
  query.text = optional_string(root, "text");
  if (std::optional<std::string> image = optional_string(root, "image")) {
    std::optional<std::string> bytes = search::base64_decode(*image);
    CLIPRET_CHECK(bytes.has_value(), InvalidInput, "image must be base64-encoded image bytes");
    query.image = std::move(*bytes);
  }
  query.image_url = optional_string(root, "image_url");
  if (const json* v = field(root, "embedding_input")) {
    query.embedding_input = number_list(*v, "embedding_input");
  }

  if (const json* terms = field(root, "query_terms")) {
    query.terms = parse_query_terms(*terms);
    const bool single_input = (query.text && !query.text->empty()) || query.image ||
                              query.image_url || query.embedding_input;
    CLIPRET_CHECK(!single_input, InvalidInput,
                  "query_terms replaces text, image, image_url and embedding_input: give either "
                  "query_terms or one of them");
  }

  const json* modality = field(root, "modality");
  CLIPRET_CHECK(modality != nullptr, InvalidInput, "modality is required (\"image\" or \"text\")");
  CLIPRET_CHECK(modality->is_string(), InvalidInput, "modality must be a string");
  // As the original: "image" searches the image index, any other string the text index.
  query.modality =
      modality->get<std::string>() == "image" ? search::Modality::kImage : search::Modality::kText;
  const json* num_images = field(root, "num_images");
  CLIPRET_CHECK(num_images != nullptr, InvalidInput, "num_images is required");
  query.num_images = as_integer(*num_images, "num_images");
  const json* num_result_ids = field(root, "num_result_ids");
  query.num_result_ids =
      num_result_ids == nullptr ? query.num_images : as_integer(*num_result_ids, "num_result_ids");
  query.indice_name = optional_string(root, "indice_name");

  query.use_mclip = optional_bool(root, "use_mclip", false);
  query.deduplicate = optional_bool(root, "deduplicate", false);
  query.use_safety_model = optional_bool(root, "use_safety_model", false);
  query.use_violence_detector = optional_bool(root, "use_violence_detector", false);
  query.return_embeddings = optional_bool(root, "return_embeddings", false);
  if (const std::optional<double> score = aesthetic_number(root, "aesthetic_score")) {
    CLIPRET_CHECK(*score == std::floor(*score), InvalidInput,
                  "aesthetic_score must be an integer from 0 to 9");
    query.aesthetic_score = static_cast<int64_t>(*score);
  }
  query.aesthetic_weight = aesthetic_number(root, "aesthetic_weight");
  return query;
}

namespace {

// /metadata bodies carry up to millions of ids: read them with a SAX pass instead of building a
// JSON tree (a node per id).
class MetadataRequestReader : public nlohmann::json_sax<json> {
 public:
  MetadataRequest request;
  bool saw_ids = false;

  bool null() override { return scalar(Kind::kNull); }
  bool boolean(bool) override { return scalar(Kind::kOther); }
  bool number_integer(number_integer_t v) override { return number(static_cast<double>(v), v); }
  // Numbers outside `ids` (other fields the original ignores) may be anything.
  bool number_unsigned(number_unsigned_t v) override {
    if (!in_ids_ || depth_ != 2) return scalar(Kind::kOther);
    CLIPRET_CHECK(v <= static_cast<number_unsigned_t>(INT64_MAX), InvalidInput,
                  "ids must be integers");
    return number(static_cast<double>(v), static_cast<int64_t>(v));
  }
  bool number_float(number_float_t v, const string_t&) override {
    if (!in_ids_ || depth_ != 2) return scalar(Kind::kOther);
    CLIPRET_CHECK(std::isfinite(v) && v == std::floor(v) && std::fabs(v) < 9e15, InvalidInput,
                  "ids must be integers");
    return number(v, static_cast<int64_t>(v));
  }
  bool string(string_t& v) override {
    if (depth_ == 1 && key_ == "indice_name") {
      request.indice_name = v;
      return true;
    }
    return scalar(Kind::kOther);
  }
  bool binary(binary_t&) override { return scalar(Kind::kOther); }
  bool start_object(std::size_t) override {
    CLIPRET_CHECK(depth_ > 0 || !started_, InvalidInput, "the request body must be a JSON object");
    check_container();
    CLIPRET_CHECK(!(depth_ == 1 && key_ == "ids"), InvalidInput,
                  "ids is required: a list of integers");
    started_ = true;
    ++depth_;
    return true;
  }
  bool end_object() override {
    --depth_;
    return true;
  }
  bool start_array(std::size_t) override {
    CLIPRET_CHECK(depth_ > 0, InvalidInput, "the request body must be a JSON object");
    check_container();
    if (depth_ == 1 && key_ == "ids") {
      in_ids_ = true;
      saw_ids = true;
    }
    ++depth_;
    return true;
  }
  bool end_array() override {
    --depth_;
    if (depth_ == 1) in_ids_ = false;
    return true;
  }
  bool key(string_t& k) override {
    if (depth_ == 1) key_ = k;
    return true;
  }
  bool parse_error(std::size_t, const std::string&, const nlohmann::detail::exception& e) override {
    CLIPRET_THROW(InvalidInput, "the request body is not valid JSON: %s", e.what());
  }

 private:
  enum class Kind { kNull, kOther };
  bool scalar(Kind kind) {
    CLIPRET_CHECK(depth_ > 0, InvalidInput, "the request body must be a JSON object");
    CLIPRET_CHECK(!in_ids_ || depth_ != 2, InvalidInput, "ids is required: a list of integers");
    if (depth_ == 1 && key_ == "ids")
      CLIPRET_THROW(InvalidInput, "ids is required: a list of integers");
    if (depth_ == 1 && key_ == "indice_name") {
      CLIPRET_CHECK(kind == Kind::kNull, InvalidInput, "indice_name must be a string");
      request.indice_name.reset();
    }
    return true;
  }
  bool number(double, int64_t v) {
    if (in_ids_ && depth_ == 2) {
      request.ids.push_back(v);
      return true;
    }
    return scalar(Kind::kOther);
  }
  void check_container() const {
    CLIPRET_CHECK(!(in_ids_ && depth_ == 2), InvalidInput, "ids is required: a list of integers");
    CLIPRET_CHECK(!(depth_ == 1 && key_ == "indice_name"), InvalidInput,
                  "indice_name must be a string");
  }

  int depth_ = 0;
  bool started_ = false;
  bool in_ids_ = false;
  std::string key_;
};

}  // namespace

MetadataRequest parse_metadata_request(const std::string& body) {
  MetadataRequestReader reader;
  json::sax_parse(body, &reader);
  CLIPRET_CHECK(reader.saw_ids, InvalidInput, "ids is required: a list of integers");
  return std::move(reader.request);
}

std::string knn_results_json(const std::vector<search::KnnResult>& results) {
  OrderedJson array = OrderedJson::array();
  for (const search::KnnResult& result : results) {
    OrderedJson object = result.metadata ? row_json(*result.metadata) : OrderedJson::object();
    object["id"] = result.id;
    object["similarity"] = static_cast<double>(result.similarity);
    if (!result.embedding.empty()) object["embedding"] = result.embedding;
    array.push_back(std::move(object));
  }
  return dump(array);
}

std::string error_json(const std::string& message) {
  return dump(OrderedJson{{"error", message}});
}

}  // namespace clipret::back
