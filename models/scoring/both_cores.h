// Work over n independent items split between two threads (the machine a case is read on has at
// least two cores): body(from, to) runs on [0, n/2) in a second thread and on [n/2, n) in this
// one, or on all of it here when n is below `minimum` (a thread costs more than a few items).
// An exception stops its half; the first half's is rethrown first, so the item reported is the
// first failing one in order, as when the items were done one by one.
#pragma once

#include <cstddef>
#include <exception>
#include <thread>

namespace socwb::scoring {

template <class Body> void onBothCores(size_t n, size_t minimum, Body&& body) {
    std::exception_ptr failed[2];
    auto part = [&](int half, size_t from, size_t to) {
        try {
            body(from, to);
        } catch (...) {
            failed[half] = std::current_exception();
        }
    };
    if (n >= minimum && n >= 2) {
        std::thread other(part, 0, size_t(0), n / 2);
        part(1, n / 2, n);
        other.join();
    } else {
        part(1, 0, n);
    }
    for (const std::exception_ptr& e : failed) {
        if (e) {
            std::rethrow_exception(e);
        }
    }
}

} // namespace socwb::scoring
