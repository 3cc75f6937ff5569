// cli/download_command.h: the download option table (img2dataset's), shared with the
// option-table tests.
#pragma once

namespace clipret::download {
struct DownloadOptions;
}

namespace clipret::cli {

class OptionTable;

// Declares every img2dataset download option (notes §1) plus ours on `table`, bound to
// `options`' fields.
void add_download_options(OptionTable& table, download::DownloadOptions& options);

}  // namespace clipret::cli
