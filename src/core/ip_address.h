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

}  // namespace clipret::core
