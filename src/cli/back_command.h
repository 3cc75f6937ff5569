// cli/back_command.h: the back option table, shared with the option-table tests.
#pragma once

namespace clipret::back {
struct BackOptions;
}

namespace clipret::cli {

class OptionTable;

// Declares every option of `clip-retrieval back` on `table`, in the original's order; the
// per-index ones come from back::index_option_fields() and bind to options.index_defaults.
void add_back_options(OptionTable& table, back::BackOptions& options);

}  // namespace clipret::cli
