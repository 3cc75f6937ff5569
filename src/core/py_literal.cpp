#include "core/py_literal.h"

#include <algorithm>
#include <cctype>
#include <cstring>

#include "core/error.h"

namespace clipret::core {
namespace {

constexpr int kMaxLiteralDepth = 8;  // nesting of tuples/lists inside the dict

// Recursive-descent parser for the header dict (what ast.literal_eval accepts there).
class LiteralParser {
 public:
  LiteralParser(std::string_view text, const std::string& name) : text_(text), name_(name) {}

  // Parses `{ 'key': value, ... }` followed by whitespace only. Keys are returned in order.
  std::vector<std::pair<std::string, PyValue>> parse_dict() {
    std::vector<std::pair<std::string, PyValue>> entries;
    skip_space();
    expect('{');
    for (;;) {
      skip_space();
      if (peek() == '}') break;
      PyValue key = parse_value(0);
      if (key.kind != PyValue::Kind::kString) fail("dict key is not a string");
      skip_space();
      expect(':');
      PyValue value = parse_value(0);
      for (const auto& entry : entries) {
        if (entry.first == key.text) fail("duplicate key");
      }
      entries.emplace_back(std::move(key.text), std::move(value));
      skip_space();
      if (peek() == ',') {
        ++pos_;
        continue;
      }
      if (peek() != '}') fail("expected ',' or '}'");
    }
    ++pos_;  // '}'
    skip_space();
    if (pos_ != text_.size()) fail("unexpected text after the dict");
    return entries;
  }

 private:
  char peek() const { return pos_ < text_.size() ? text_[pos_] : '\0'; }

  void skip_space() {
    while (pos_ < text_.size() && (text_[pos_] == ' ' || text_[pos_] == '\t' ||
                                   text_[pos_] == '\n' || text_[pos_] == '\r')) {
      ++pos_;
    }
  }

  void expect(char c) {
    if (peek() != c) fail(string_printf("expected '%c'", c).c_str());
    ++pos_;
  }

  [[noreturn]] void fail(const char* what) const {
    CLIPRET_THROW(Corrupt, "%s: malformed .npy header dict: %s at offset %zu of \"%.*s\"",
                  name_.c_str(), what, pos_, static_cast<int>(std::min<size_t>(text_.size(), 200)),
                  text_.data());
  }

  bool consume_word(const char* word) {
    const size_t n = std::strlen(word);
    if (text_.substr(pos_, n) != word) return false;
    const size_t end = pos_ + n;
    if (end < text_.size() &&
        (std::isalnum(static_cast<unsigned char>(text_[end])) || text_[end] == '_')) {
      return false;
    }
    pos_ = end;
    return true;
  }

  PyValue parse_value(int depth) {
    if (depth > kMaxLiteralDepth) fail("nesting too deep");
    skip_space();
    PyValue value;
    const char c = peek();
    if (c == '\'' || c == '"') {
      value.kind = PyValue::Kind::kString;
      value.text = parse_string();
    } else if (c == '(' || c == '[') {
      value = parse_sequence(depth);
    } else if (c == '-' || (c >= '0' && c <= '9')) {
      value = parse_int();
    } else if (consume_word("True")) {
      value.kind = PyValue::Kind::kBool;
      value.boolean = true;
    } else if (consume_word("False")) {
      value.kind = PyValue::Kind::kBool;
    } else if (consume_word("None")) {
      value.kind = PyValue::Kind::kNone;
    } else {
      fail("unexpected character");
    }
    return value;
  }

  std::string parse_string() {
    const char quote = text_[pos_++];
    std::string out;
    for (;;) {
      if (pos_ >= text_.size()) fail("unterminated string");
      char c = text_[pos_++];
      if (c == quote) return out;
      if (c == '\\') {
        if (pos_ >= text_.size()) fail("unterminated string");
        c = text_[pos_++];
      }
      out.push_back(c);
    }
  }

  PyValue parse_int() {
    PyValue value;
    value.kind = PyValue::Kind::kInt;
    if (peek() == '-') {
      value.negative = true;
      ++pos_;
      skip_space();
    }
    if (!(peek() >= '0' && peek() <= '9')) fail("expected a digit");
    while (peek() >= '0' && peek() <= '9') {
      const auto digit = static_cast<uint64_t>(peek() - '0');
      if (value.magnitude > (UINT64_MAX - digit) / 10) value.overflow = true;
      value.magnitude = value.magnitude * 10 + digit;
      ++pos_;
    }
    if (peek() == 'L' || peek() == 'l') ++pos_;  // Python 2 longs in old numpy files
    return value;
  }

  // "(a, b)", "(a,)", "()" are tuples; "(a)" is just a; "[...]" is a list.
  PyValue parse_sequence(int depth) {
    const char open = text_[pos_++];
    const char close = open == '(' ? ')' : ']';
    PyValue value;
    value.kind = open == '(' ? PyValue::Kind::kTuple : PyValue::Kind::kList;
    bool saw_comma = false;
    for (;;) {
      skip_space();
      if (peek() == close) break;
      value.items.push_back(parse_value(depth + 1));
      skip_space();
      if (peek() == ',') {
        saw_comma = true;
        ++pos_;
      } else if (peek() != close) {
        fail("expected ',' or a closing bracket");
      }
    }
    ++pos_;
    if (open == '(' && value.items.size() == 1 && !saw_comma) {
      PyValue inner = std::move(value.items[0]);
      return inner;
    }
    return value;
  }

  std::string_view text_;
  const std::string& name_;
  size_t pos_ = 0;
};

}  // namespace

std::vector<std::pair<std::string, PyValue>> parse_py_literal_dict(std::string_view text,
                                                                   const std::string& name) {
  return LiteralParser(text, name).parse_dict();
}

}  // namespace clipret::core
