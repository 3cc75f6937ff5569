// cli/index_command.h: the index option table, shared with the option-table tests.
#pragma once

namespace clipret::index {
struct IndexOptions;
}

namespace clipret::cli {

class OptionTable;

// Declares every option of spec §2 plus autofaiss's build_index options on `table`.
void add_index_options(OptionTable& table, index::IndexOptions& options);

}  // namespace clipret::cli
