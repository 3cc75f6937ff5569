// cli/inference_command.h: the inference option table, shared with the option-table tests.
#pragma once

namespace clipret::inference {
struct InferenceOptions;
}

namespace clipret::cli {

class OptionTable;

// Declares every option of spec §1.1 (plus subset_size) on `table`, bound to `options`' fields.
void add_inference_options(OptionTable& table, inference::InferenceOptions& options);

}  // namespace clipret::cli
