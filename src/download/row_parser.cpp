#include "download/row_parser.h"

#include "core/error.h"

namespace clipret::download {

void throw_missing_column(const std::string& file, const std::string& column,
                          const std::vector<std::string>& available) {
  std::string list;
  for (const std::string& name : available) list += (list.empty() ? "'" : ", '") + name + "'";
  CLIPRET_THROW(InvalidInput, "%s: no column '%s' (columns: %s)", file.c_str(), column.c_str(),
                list.empty() ? "none" : list.c_str());
}

}  // namespace clipret::download
