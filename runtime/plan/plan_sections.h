// The plan's encoders and decoders, one per region (plan_format.h describes the layout). Used by
// plan_writer.cpp and plan_reader.cpp only. Decoders bounds-check everything and return errors
// that name the region; the reader prefixes the file name.
#pragma once

#include <span>

#include "ir/printable.h"
#include "runtime/plan/byte_io.h"
#include "runtime/plan/plan_format.h"

namespace mrt::plan {

// --- shapes (shared by the header's I/O table and the graph section) ---
void EncodeShape(ByteWriter& w, const Shape& shape);
Shape DecodeShape(ByteReader& r);
void EncodeDType(ByteWriter& w, DType dtype);
DType DecodeDType(ByteReader& r);  // fails the reader on an unknown name

// --- header block (plan_header.cpp) ---
// Everything in the header except the section table, which the writer appends once it knows
// the sections' offsets.
void EncodeHeaderBody(ByteWriter& w, const Plan& plan);
void EncodeSectionTable(ByteWriter& w, const std::vector<SectionEntry>& sections);
inline constexpr size_t kSectionEntryBytes = 4 + 8 + 8 + 8;
// Decodes the whole header block into `plan` (writer version, target, build record, I/O table,
// section table).
Status DecodeHeader(std::span<const uint8_t> header, Plan& plan);

// --- graph and weights sections (graph_serializer.cpp) ---
// Encodes a compacted graph; tensor bytes (weights and tensor attributes, each distinct tensor
// once) go to `weights`, each at a 64-byte boundary of that section.
Status EncodeGraph(const Graph& graph, ByteWriter& graph_section, ByteWriter& weights);
Expected<Graph> DecodeGraph(std::span<const uint8_t> graph_section, std::span<const uint8_t> weights);

// --- memory plan section (memory_plan_serializer.cpp) ---
void EncodeMemoryPlan(ByteWriter& w, const MemoryPlan& plan);
// Decodes a plan for `graph` and checks it is one the executor can follow safely: one entry per
// value, every planned value inside the arena, no write clobbering a live value.
Expected<MemoryPlan> DecodeMemoryPlan(std::span<const uint8_t> section, const Graph& graph);

}  // namespace mrt::plan
