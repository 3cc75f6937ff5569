// core/brace_expand.h: bash-style brace expansion with the semantics of Python's `braceexpand`.
//
// webdataset inputs name their shards with patterns such as "pipe:aws s3 cp s3://b/{000..150}.tar
// -"; the original expands them with braceexpand 0.1.7, and so must we, quirks included:
//   "{000..150}"   zero padding to the longer bound when either bound has a leading zero
//   "{a,b,c}"      alternatives; several groups give their cartesian product, last fastest
//   "{a,b{1..2}}"  nesting;  "{1..10..2}" a step (its sign is ignored);  "{5..1}" counts down
//   "{a..e}"       letters, in the order A-Z then a-z;  "{}" and "{a}" stay literal
//   "\{" "\}" "\,"  escapes, with the backslash removed from the output ("\\" gives "\")
// Unbalanced braces ("{1{2,3}") are an error, as braceexpand raises UnbalancedBracesError.
// Deliberate differences: a list of patterns is accepted (the original's issue #180), absurd
// expansions are refused, only ASCII digits count as digits, and range bounds must fit in int64.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace clipret::core {

struct BraceExpandOptions {
  // Treat backslash as an escape character (braceexpand's escape=True). When false, backslashes
  // have no meaning and are kept.
  bool escape = true;
  // Refuse patterns that expand to more strings than this (Error(kInvalidInput)), before
  // expanding anything: "{0..999999999}" would otherwise exhaust memory.
  uint64_t max_items = 10'000'000;
};

// Expands one pattern, in braceexpand's order. A pattern without braces expands to itself.
// Throws Error(kInvalidInput) for unbalanced braces, nesting deeper than 1000 levels or more
// than options.max_items results, Error(kUnsupported) for range bounds outside int64.
std::vector<std::string> brace_expand(std::string_view pattern,
                                      const BraceExpandOptions& options = {});

// Expands each pattern and concatenates the results in order (options.max_items bounds the
// total).
std::vector<std::string> brace_expand_all(const std::vector<std::string>& patterns,
                                          const BraceExpandOptions& options = {});

}  // namespace clipret::core
