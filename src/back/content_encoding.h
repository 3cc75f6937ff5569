// back/content_encoding.h: which compression our answers use. cpp-httplib 0.11 (Debian's shared
// build, with Brotli) compresses every compressible answer with Brotli at quality 11 whenever
// the request's Accept-Encoding contains "br", which every browser sends: 3,000 results took
// 170-200 ms to compress against 4-20 ms to search (bench/front), and the JS bundle ~100 ms.
// Its gzip (zlib's default level) costs a few ms for the same sizes, so we decline Brotli and
// let httplib answer gzip, or identity when the client offers only br.
#pragma once

#include <string>
#include <string_view>

namespace httplib {
struct Request;
}

namespace clipret::back {

// `accept_encoding` without its Brotli entries. cpp-httplib picks Brotli when the header holds
// "br" anywhere, so every entry whose text holds "br" is dropped, whatever its q-value;
// the others keep their order and parameters ("gzip, deflate, br" -> "gzip, deflate").
std::string without_brotli(std::string_view accept_encoding);

// Rewrites the request's Accept-Encoding headers with without_brotli. Called before routing,
// so httplib's choice of encoding, made after the handler, sees the rewritten header.
void decline_brotli(const httplib::Request& request);

}  // namespace clipret::back
