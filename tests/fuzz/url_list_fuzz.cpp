// Fuzz target url_list: the text url-list readers of `download` (download/text_parsers.h,
// download/json_parsers.h) on arbitrary bytes as a file: txt, csv, tsv, jsonl and json (pandas'
// columns layout or records), optionally gzip. The first byte picks the format (low 3 bits) and
// gzip (bit 3); the rest is the file. Every row must hold one field per wanted column.
#include <cstdio>
#include <memory>
#include <string>
#include <vector>

#include "download/json_parsers.h"
#include "download/text_parsers.h"
#include "fuzz/fuzz_targets.h"

namespace clipret::fuzz {

int fuzz_one_url_list(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  const int format = data[0] & 7;
  const bool gzip = (data[0] & 8) != 0;
  const std::string path = fuzz_temp_file("url_list", data + 1, size - 1);
  const std::vector<std::string> wanted = {"url", "caption"};
  accept_or_reject([&] {
    std::unique_ptr<download::RowParser> parser;
    size_t columns = wanted.size();
    switch (format % 5) {
      case 0:
        parser = download::make_txt_parser(path, gzip);
        columns = 1;
        break;
      case 1:
        parser = download::make_delimited_parser(path, gzip, ',', wanted);
        break;
      case 2:
        parser = download::make_delimited_parser(path, gzip, '\t', wanted);
        break;
      case 3:
        parser = download::make_json_lines_parser(path, gzip, wanted, 16);
        break;
      default:
        parser = download::make_json_document_parser(path, gzip, wanted);
        break;
    }
    download::RowFields fields(columns);
    for (size_t rows = 0; parser->next_row(fields); ++rows) {
      fuzz_check(fields.size() == columns, "url_list: row without one field per column");
      fuzz_check(rows <= size, "url_list: more rows than bytes");
    }
  });
  std::remove(path.c_str());
  return 0;
}

}  // namespace clipret::fuzz
