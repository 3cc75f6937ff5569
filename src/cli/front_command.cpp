// `clip-retrieval front`: the option table over FrontOptions, then back::run_front.
#include "back/front_runner.h"
#include "cli/command.h"
#include "cli/front_folder.h"
#include "cli/option_table.h"

namespace clipret::cli {
namespace {

OptionTable front_table(back::FrontOptions& o) {
  OptionTable t("clip-retrieval front",
                "Serve the web UI alone (the back runs elsewhere): its files, and /config.json "
                "telling the UI which back, index and url column to use. `back` serves the "
                "same UI itself. See docs/front.md.");
  t.add_optional_string("default_backend", &o.default_backend,
                        "the back the UI queries first (defaultBackend of /config.json); None: "
                        "port 1234 of the host the browser opened the UI from");
  t.add_optional_string("default_index", &o.default_index,
                        "the index the UI selects first (defaultIndex); None: the back's first");
  t.add_string("url_column", &o.url_column,
               "metadata column holding the image url (urlColumn of /config.json)");
  t.add_int("port", &o.port, "TCP port to listen on (0: any free port, logged at startup)");
  t.add_string("host", &o.host, "address to listen on");
  t.add_optional_string("front_folder", &o.front_folder,
                        "built web front (index.html + assets); None: "
                        "<prefix>/share/clip-retrieval/front, else front/dist of the source tree");
  return t;
}

}  // namespace

std::vector<OptionTable> front_tables() {
  static back::FrontOptions defaults;
  return {front_table(defaults)};
}

int run_front_command(const std::vector<std::string>& args) {
  back::FrontOptions options;
  OptionTable table = front_table(options);
  if (!parse_or_show_help(table, args)) return 0;
  back::FrontEnvironment environment;
  environment.front_folder = options.front_folder.value_or(default_front_folder());
  back::run_front(options, environment);
  return 0;
}

}  // namespace clipret::cli
