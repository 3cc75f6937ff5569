#!/bin/sh
# tests/index/make_faiss_reference.sh AR OBJCOPY LIBFAISS OUT: Debian's compiled faiss distance
# functions (libfaiss.a's distances_simd.cpp.o) with every symbol renamed faiss_reference_*
# (e.g. _ZN5faiss10fvec_L2sqrEPKfS1_m -> faiss_reference_10fvec_L2sqrEPKfS1_m), so a test can
# link them beside index/faiss_distance_overrides.cpp, which replaces them, and compare.
set -eu
ar=$1
objcopy=$2
archive=$3
out=$4
dir=$(dirname "$out")/faiss_reference_work
rm -rf "$dir"
mkdir -p "$dir"
cd "$dir"
"$ar" x "$archive" distances_simd.cpp.o
nm distances_simd.cpp.o | awk '$2 == "T" && $3 ~ /^_ZN5faiss/ { print $3, "faiss_reference_" substr($3, 10) }' > renames.txt
[ -s renames.txt ] || { echo "no faiss symbols in distances_simd.cpp.o of $archive" >&2; exit 1; }
"$objcopy" --redefine-syms=renames.txt distances_simd.cpp.o "$out"
