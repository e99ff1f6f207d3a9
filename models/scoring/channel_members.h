// A channel's member event ids, stored with its alert as a compact BLOB: ascending row ids, each
// written as the difference from the previous one in LEB128 (7 bits a byte). Polls are close
// together in a table, so most ids take one or two bytes.
#pragma once

#include <QByteArray>

#include <cstdint>
#include <vector>

namespace socwb::scoring {

// ids must be ascending (duplicates are dropped).
QByteArray encodeMemberIds(const std::vector<int64_t>& ascendingIds);
// The ids of a BLOB written by encodeMemberIds; a truncated or empty BLOB gives the ids before the cut.
std::vector<int64_t> decodeMemberIds(const void* blob, int size);

} // namespace socwb::scoring
