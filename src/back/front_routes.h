// back/front_routes.h: the web front's routes (spec §3.4, §5.1), shared by `back` and `front`:
// the built files at `/`, and `/config.json` generated from the options. Included only by the
// .cpp files that use cpp-httplib.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace httplib {
class Server;
}

namespace clipret::back {

struct FrontRoutesOptions {
  // The built front (index.html and its assets); without index.html, `/` answers a page saying
  // that no front was found and where one goes.
  std::string front_folder;
  // None: the request's host URL ("http://host/", the back's own), or with
  // default_backend_port, that port on the request's host name (`front` alone: the back's).
  std::optional<std::string> default_backend;
  std::optional<int> default_backend_port;
  std::string default_index;  // "" (the back's; the original front's rule)
  std::string url_column = "url";
  // Whether the server also answers the API (the missing-front page then lists it).
  bool serves_api = true;
};

// Whether `folder` holds a built front (an index.html).
bool is_built_front(const std::string& folder);

// "/config.json" with any number of leading slashes.
bool is_config_path(std::string_view path);

// Installs on `server`: /config.json before routing (it wins over a file of that name in the
// front folder, as the original registers it before its static route), the front folder
// mounted at `/` (hashed assets under assets/ cached for a year, other files revalidated), or
// the missing-front page. Its pre-routing step also declines Brotli for every answer
// (back/content_encoding.h): both servers install these routes.
void install_front_routes(httplib::Server& server, const FrontRoutesOptions& options);

}  // namespace clipret::back
