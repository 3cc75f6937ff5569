#include "core/brace_expand.h"

#include <optional>

#include "core/error.h"

namespace clipret::core {
namespace {

constexpr int kMaxNesting = 1000;  // braceexpand recurses per level; Python stops near 1000 too
constexpr std::string_view kAlphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

// An arithmetic sequence of `count` values from `start`, moving by `step` up or down; either
// integers printed with zero padding to `width`, or indices into kAlphabet.
struct Range {
  int64_t start = 0;
  uint64_t step = 1;
  uint64_t count = 1;
  bool descending = false;
  bool letters = false;
  int width = 0;

  std::string value(uint64_t i) const {
    // Unsigned wrap-around is exact here: every value lies between the two bounds.
    const uint64_t offset = i * step;
    const auto v = static_cast<int64_t>(descending ? static_cast<uint64_t>(start) - offset
                                                   : static_cast<uint64_t>(start) + offset);
    if (letters) return std::string(1, kAlphabet[static_cast<size_t>(v)]);
    return string_printf("%0*lld", width, static_cast<long long>(v));
  }
};

struct Part;
using Pattern = std::vector<Part>;  // the cartesian product of its parts

struct Part {
  enum class Kind { kLiteral, kAlternatives, kRange };
  Kind kind = Kind::kLiteral;
  std::string literal;                // kLiteral
  std::vector<Pattern> alternatives;  // kAlternatives: the concatenation of their expansions
  Range range;                        // kRange
};

uint64_t saturating_add(uint64_t a, uint64_t b) {
  return a > UINT64_MAX - b ? UINT64_MAX : a + b;
}
uint64_t saturating_mul(uint64_t a, uint64_t b) {
  return (a != 0 && b > UINT64_MAX / a) ? UINT64_MAX : a * b;
}

uint64_t count_pattern(const Pattern& pattern);

uint64_t count_part(const Part& part) {
  switch (part.kind) {
    case Part::Kind::kLiteral:
      return 1;
    case Part::Kind::kRange:
      return part.range.count;
    case Part::Kind::kAlternatives: {
      uint64_t total = 0;
      for (const Pattern& p : part.alternatives) total = saturating_add(total, count_pattern(p));
      return total;
    }
  }
  return 1;
}

uint64_t count_pattern(const Pattern& pattern) {
  uint64_t total = 1;
  for (const Part& part : pattern) total = saturating_mul(total, count_part(part));
  return total;
}

void expand_pattern(const Pattern& pattern, std::vector<std::string>& out);

std::vector<std::string> part_values(const Part& part) {
  std::vector<std::string> values;
  switch (part.kind) {
    case Part::Kind::kLiteral:
      values.push_back(part.literal);
      break;
    case Part::Kind::kRange:
      values.reserve(part.range.count);
      for (uint64_t i = 0; i < part.range.count; ++i) values.push_back(part.range.value(i));
      break;
    case Part::Kind::kAlternatives:
      for (const Pattern& p : part.alternatives) expand_pattern(p, values);
      break;
  }
  return values;
}

// Appends the expansion of `pattern` to `out`: itertools.product order, last part fastest.
void expand_pattern(const Pattern& pattern, std::vector<std::string>& out) {
  std::vector<std::string> prefixes{std::string()};
  for (const Part& part : pattern) {
    const std::vector<std::string> values = part_values(part);
    std::vector<std::string> next;
    next.reserve(prefixes.size() * values.size());
    for (const std::string& prefix : prefixes) {
      for (const std::string& value : values) next.push_back(prefix + value);
    }
    prefixes = std::move(next);
  }
  for (std::string& s : prefixes) out.push_back(std::move(s));
}

// The pieces of a matched range expression "LEFT..RIGHT[..[-]STEP]".
struct RangeText {
  std::string_view left, right, step;  // step empty when absent
};

size_t match_digits(std::string_view s, size_t pos) {
  size_t end = pos;
  while (end < s.size() && s[end] >= '0' && s[end] <= '9') ++end;
  return end;
}

bool is_letter(char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z');
}

// Matches ^(-?\d+)\.\.(-?\d+)(?:\.\.-?(\d+))?$ (or the letter form with [A-Za-z] bounds).
// Python's `$` also matches before one final '\n', so that is dropped first.
std::optional<RangeText> match_range(std::string_view expr, bool letters) {
  if (!expr.empty() && expr.back() == '\n') expr.remove_suffix(1);
  RangeText out;
  size_t pos = 0;
  auto bound = [&](std::string_view& text) {
    const size_t begin = pos;
    if (letters) {
      if (pos >= expr.size() || !is_letter(expr[pos])) return false;
      ++pos;
    } else {
      if (pos < expr.size() && expr[pos] == '-') ++pos;
      const size_t end = match_digits(expr, pos);
      if (end == pos) return false;
      pos = end;
    }
    text = expr.substr(begin, pos - begin);
    return true;
  };
  auto dots = [&] {
    if (expr.substr(pos, 2) != "..") return false;
    pos += 2;
    return true;
  };
  if (!bound(out.left) || !dots() || !bound(out.right)) return std::nullopt;
  if (pos == expr.size()) return out;
  if (!dots()) return std::nullopt;
  if (pos < expr.size() && expr[pos] == '-') ++pos;  // the step's sign is ignored
  const size_t end = match_digits(expr, pos);
  if (end == pos || end != expr.size()) return std::nullopt;
  out.step = expr.substr(pos, end - pos);
  return out;
}

// int(step) or 1; a step beyond uint64 saturates, which gives the same single-value range.
uint64_t parse_step(std::string_view text) {
  uint64_t value = 0;
  for (char c : text) {
    const auto digit = static_cast<uint64_t>(c - '0');
    value = value > (UINT64_MAX - digit) / 10 ? UINT64_MAX : value * 10 + digit;
  }
  return value == 0 ? 1 : value;
}

int64_t parse_bound(std::string_view text, std::string_view pattern) {
  const bool negative = text.front() == '-';
  uint64_t magnitude = 0;
  const uint64_t limit = negative ? uint64_t{1} << 63 : (uint64_t{1} << 63) - 1;
  for (char c : text.substr(negative ? 1 : 0)) {
    const auto digit = static_cast<uint64_t>(c - '0');
    CLIPRET_CHECK(magnitude <= (limit - digit) / 10, Unsupported,
                  "brace pattern '%.*s': range bound %.*s does not fit in 64 bits",
                  static_cast<int>(pattern.size()), pattern.data(), static_cast<int>(text.size()),
                  text.data());
    magnitude = magnitude * 10 + digit;
  }
  return negative ? static_cast<int64_t>(0 - magnitude) : static_cast<int64_t>(magnitude);
}

bool has_leading_zero(std::string_view s) {
  if (s == "0" || s == "-0") return false;
  return s.starts_with("0") || s.starts_with("-0");
}

Range make_range(int64_t start, int64_t end, uint64_t step) {
  Range r;
  r.start = start;
  r.step = step;
  r.descending = !(start < end);  // braceexpand counts down when start >= end
  const uint64_t span = r.descending ? static_cast<uint64_t>(start) - static_cast<uint64_t>(end)
                                     : static_cast<uint64_t>(end) - static_cast<uint64_t>(start);
  r.count = saturating_add(span / step, 1);  // the full int64 range has 2^64 values
  return r;
}

class Parser {
 public:
  Parser(std::string_view whole, bool escape) : whole_(whole), escape_(escape) {}

  Pattern parse_pattern(std::string_view s, int depth) {
    CLIPRET_CHECK(depth <= kMaxNesting, InvalidInput,
                  "brace pattern '%.*s': braces nested deeper than %d levels",
                  static_cast<int>(whole_.size()), whole_.data(), kMaxNesting);
    Pattern items;
    size_t start = 0;
    size_t pos = 0;
    long bracket_depth = 0;
    while (pos < s.size()) {
      if (escape_ && s[pos] == '\\') {
        pos += 2;
        continue;
      }
      if (s[pos] == '{') {
        if (bracket_depth == 0 && pos > start) {
          items.push_back(literal(s.substr(start, pos - start)));
          start = pos;
        }
        ++bracket_depth;
      } else if (s[pos] == '}') {
        --bracket_depth;
        if (bracket_depth == 0) {
          const std::string_view expr = s.substr(start + 1, pos - start - 1);
          if (std::optional<Part> item = parse_expression(expr, depth)) {
            items.push_back(std::move(*item));
          } else {  // neither a range nor a sequence: the braces stay, the inside expands
            Part inner;
            inner.kind = Part::Kind::kAlternatives;
            inner.alternatives.push_back(parse_pattern(expr, depth + 1));
            items.push_back(literal("{"));
            items.push_back(std::move(inner));
            items.push_back(literal("}"));
          }
          start = pos + 1;
        }
      }
      ++pos;
    }
    if (bracket_depth != 0) unbalanced();
    if (start < pos) items.push_back(literal(s.substr(start)));
    return items;
  }

 private:
  static Part literal(std::string_view text) {
    Part part;
    part.literal = std::string(text);
    return part;
  }

  [[noreturn]] void unbalanced() const {
    CLIPRET_THROW(InvalidInput, "brace pattern '%.*s': unbalanced braces",
                  static_cast<int>(whole_.size()), whole_.data());
  }

  std::optional<Part> parse_expression(std::string_view expr, int depth) {
    Part part;
    part.kind = Part::Kind::kRange;
    if (auto m = match_range(expr, false)) {
      const int64_t start = parse_bound(m->left, whole_);
      const int64_t end = parse_bound(m->right, whole_);
      part.range = make_range(start, end, m->step.empty() ? 1 : parse_step(m->step));
      if (has_leading_zero(m->left) || has_leading_zero(m->right)) {
        part.range.width = static_cast<int>(std::max(m->left.size(), m->right.size()));
      }
      return part;
    }
    if (auto m = match_range(expr, true)) {
      const auto start = static_cast<int64_t>(kAlphabet.find(m->left[0]));
      const auto end = static_cast<int64_t>(kAlphabet.find(m->right[0]));
      part.range = make_range(start, end, m->step.empty() ? 1 : parse_step(m->step));
      part.range.letters = true;
      return part;
    }
    return parse_sequence(expr, depth);
  }

  // Splits at top-level commas; no comma means "not a sequence".
  std::optional<Part> parse_sequence(std::string_view seq, int depth) {
    Part part;
    part.kind = Part::Kind::kAlternatives;
    size_t start = 0;
    size_t pos = 0;
    long bracket_depth = 0;
    while (pos < seq.size()) {
      if (escape_ && seq[pos] == '\\') {
        pos += 2;
        continue;
      }
      if (seq[pos] == '{') {
        ++bracket_depth;
      } else if (seq[pos] == '}') {
        --bracket_depth;
      } else if (seq[pos] == ',' && bracket_depth == 0) {
        part.alternatives.push_back(parse_pattern(seq.substr(start, pos - start), depth + 1));
        start = pos + 1;
      }
      ++pos;
    }
    if (bracket_depth != 0) unbalanced();
    if (part.alternatives.empty()) return std::nullopt;
    part.alternatives.push_back(parse_pattern(seq.substr(start), depth + 1));
    return part;
  }

  std::string_view whole_;
  bool escape_;
};

// Python's re.sub(r'\\(.)', r'\1', s): drops a backslash before any character but '\n'.
std::string remove_escapes(const std::string& s) {
  std::string out;
  out.reserve(s.size());
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '\\' && i + 1 < s.size() && s[i + 1] != '\n') ++i;
    out.push_back(s[i]);
  }
  return out;
}

}  // namespace

std::vector<std::string> brace_expand_all(const std::vector<std::string>& patterns,
                                          const BraceExpandOptions& options) {
  std::vector<Pattern> parsed;
  uint64_t total = 0;
  for (const std::string& pattern : patterns) {
    parsed.push_back(Parser(pattern, options.escape).parse_pattern(pattern, 0));
    total = saturating_add(total, count_pattern(parsed.back()));
    CLIPRET_CHECK(total <= options.max_items, InvalidInput,
                  "brace pattern '%s': the expansion exceeds %llu strings", pattern.c_str(),
                  static_cast<unsigned long long>(options.max_items));
  }
  std::vector<std::string> out;
  out.reserve(total);
  for (const Pattern& pattern : parsed) expand_pattern(pattern, out);
  if (options.escape) {
    for (std::string& s : out) s = remove_escapes(s);
  }
  return out;
}

std::vector<std::string> brace_expand(std::string_view pattern, const BraceExpandOptions& options) {
  return brace_expand_all({std::string(pattern)}, options);
}

}  // namespace clipret::core
