#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# Builds the decoder's test ELFs from tests/elf/crashapp.c into OUTDIR with
# Debian's cross compilers (scripts/deps/apt-test-decode.txt):
#   xtensa.elf    Xtensa (gcc-xtensa-lx106), code at 0x400d0020 as on an ESP32
#   riscv.elf     RISC-V rv32imc/ilp32 (gcc-riscv64-unknown-elf), ESP32-C3 class
#   xtensa-other.elf  another build of the same program (another SHA-256)
#   xtensa-nodebug.elf  strip --strip-debug: symbols, no lines
#   xtensa-stripped.elf strip --strip-all: nothing to name addresses with
#   xtensa-cxx.elf, riscv-cxx.elf  tests/elf/otaapp.cpp with the same
#       compilers' g++: mangled symbols and DWARF linkage names (C++ names)
#   xtensa-cxx-nodebug.elf  strip --strip-debug: mangled symbols only
#   xtensa-cxx-evil.elf  the same from a folder whose name holds a BEL byte
# Usage: build.sh OUTDIR
set -eu
out=$1
dir=$(cd "$(dirname "$0")" && pwd)
src=$dir/crashapp.c
mkdir -p "$out"
flags="-g -O2 -fno-optimize-sibling-calls -ffreestanding -nostdlib"
for tool in xtensa-lx106-elf-gcc riscv64-unknown-elf-gcc xtensa-lx106-elf-g++ \
    riscv64-unknown-elf-g++; do
	command -v $tool >/dev/null 2>&1 || {
		echo "tests/elf/build.sh: $tool not found: install the packages of" \
		    "scripts/deps/apt-test-decode.txt" >&2
		exit 1
	}
done
xtensa-lx106-elf-gcc $flags -Wl,-Ttext=0x400d0020 -o "$out/xtensa.elf" "$src"
xtensa-lx106-elf-gcc $flags -DOTHER_BUILD -Wl,-Ttext=0x400d0020 \
    -o "$out/xtensa-other.elf" "$src"
riscv64-unknown-elf-gcc $flags -march=rv32imc -mabi=ilp32 \
    -Wl,-Ttext=0x42000020 -o "$out/riscv.elf" "$src"
xtensa-lx106-elf-strip --strip-debug -o "$out/xtensa-nodebug.elf" "$out/xtensa.elf"
xtensa-lx106-elf-strip --strip-all -o "$out/xtensa-stripped.elf" "$out/xtensa.elf"
cxxflags="$flags -fno-exceptions -fno-rtti"
xtensa-lx106-elf-g++ $cxxflags -Wl,-Ttext=0x400d0020 -o "$out/xtensa-cxx.elf" \
    "$dir/otaapp.cpp"
riscv64-unknown-elf-g++ $cxxflags -march=rv32imc -mabi=ilp32 \
    -Wl,-Ttext=0x42000020 -o "$out/riscv-cxx.elf" "$dir/otaapp.cpp"
xtensa-lx106-elf-strip --strip-debug -o "$out/xtensa-cxx-nodebug.elf" \
    "$out/xtensa-cxx.elf"
# a source path with a control byte (BEL): the DWARF carries it, and what
# otadiag prints of it must be escaped like device text
evil="$out/evil$(printf '\007')dir"
mkdir -p "$evil"
cp "$dir/otaapp.cpp" "$evil/otaapp.cpp"
xtensa-lx106-elf-g++ $cxxflags -Wl,-Ttext=0x400d0020 \
    -o "$out/xtensa-cxx-evil.elf" "$evil/otaapp.cpp"
