// NumPy .npy files: how tensors go in and out of the CLI (`--input x=x.npy`, `--output-dir`).
//
// Format (numpy.lib.format): the magic "\x93NUMPY", a major and a minor version byte, the header
// length (uint16 little-endian in version 1.0, uint32 in 2.0 and 3.0), then an ASCII (3.0: UTF-8)
// Python dict literal such as {'descr': '<f4', 'fortran_order': False, 'shape': (3, 4), } padded
// with spaces and a final '\n', then the raw elements in C order.
//
// Supported element types: '<f4' f32, '<f2' f16, '<f8' f64, '<i8' i64, '<i4' i32, '|i1' i8,
// '|u1' u8, '|b1' bool (native-order '=' is accepted as little-endian on little-endian hosts).
// Everything else (big-endian, Fortran order, other dtypes, bf16, which .npy cannot express) is
// refused with a one-line error that names the file.
#pragma once

#include <string>
#include <string_view>

#include "ir/status.h"
#include "ir/tensor.h"

namespace mrt {

// Reads an .npy file; errors start with the path.
Expected<Tensor> ReadNpy(const std::string& path);

// Parses the bytes of an .npy file; `display_name` prefixes error messages.
Expected<Tensor> ParseNpy(std::string_view bytes, const std::string& display_name);

// Serializes a tensor as version 1.0 (2.0 when the header would not fit in 64 KiB), the header
// padded so the data starts at a multiple of 64 bytes, as numpy itself writes it.
Expected<std::string> EncodeNpy(const Tensor& tensor);

// Writes `path` under the output-file rules (ir/output_file.h): a temporary file renamed over
// `path` once complete, so a failure never leaves a half-written file behind; a device, FIFO or
// folder at `path` is refused. `flag` ("--output-dir") starts errors.
Status WriteNpy(const std::string& path, const Tensor& tensor, std::string_view flag = {});

// The .npy descr of a dtype ('<f4', '|b1', ...); empty for dtypes .npy cannot express (bf16).
std::string_view NpyDescr(DType dtype);

}  // namespace mrt
