// core/ip_address.h: classifies peer addresses for the HTTP clients' SSRF guards.
//
// search/ (image_url queries) and download/ (allow_private_addresses=false) refuse to connect
// to addresses a public URL must not reach; both judge the address curl is about to connect to
// (after DNS resolution), with this one rule.
#pragma once

namespace clipret::core {

// True for loopback, private, carrier-grade NAT, link-local (cloud metadata), multicast,
// reserved and other special-purpose ranges, IPv4 inside IPv6 (mapped, NAT64) judged as IPv4.
// `family` is AF_INET or AF_INET6 and `address` points at an in_addr / in6_addr; any other
// family is private (refused).
bool is_private_address(int family, const void* address);

// The in_addr / in6_addr inside a socket address (sockaddr_in / sockaddr_in6, the `addr` of
// curl's curl_sockaddr) of `family`; nullptr for other families.
const void* ip_of_socket_address(int family, const void* socket_address);

// A socket for curl's CURLOPT_OPENSOCKETFUNCTION, close-on-exec (a child process, such as a
// `pipe:` reader, must not inherit connections). -1 (CURL_SOCKET_BAD) on failure.
int open_socket_for_curl(int family, int socktype, int protocol);

}  // namespace clipret::core
