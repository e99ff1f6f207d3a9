// Work over n independent items split between two threads (the machine a case is read on has at
// least two cores): body(from, to) runs on [0, n/2) in a second thread and on [n/2, n) in this
// one, or on all of it here when n is below `minimum` (a thread costs more than a few items).
// An exception stops its half; the first half's is rethrown first, so the item reported is the
// first failing one in order, as when the items were done one by one.
#pragma once

#include <condition_variable>
#include <cstddef>
#include <exception>
#include <mutex>
#include <thread>
#include <vector>

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

// Batches [0, n) made on both cores and used in order on this thread (issue 20: the alerts'
// JSON made while SQLite writes the rows before them). A second thread prepares batches ahead;
// this one prepares one too whenever the next batch in order is not ready yet, and consumes each
// batch in order once it is. At most `ahead` batches are prepared and not yet consumed, so the
// caller keeps them in `ahead` slots (batch b in slot b % ahead). prepare(b) runs on either
// thread, consume(b) on this one only. An exception in either stops both and is rethrown here.
template <class Prepare, class Consume>
void preparedInOrder(size_t n, size_t ahead, Prepare&& prepare, Consume&& consume) {
    std::mutex m;
    std::condition_variable cv;
    size_t claimed = 0, consumed = 0;
    bool stop = false;
    std::exception_ptr failed; // the second thread's
    std::vector<char> ready(n, 0);
    auto claimable = [&] { return claimed < n && claimed < consumed + ahead; };
    std::thread helper([&] {
        std::unique_lock<std::mutex> lock(m);
        for (;;) {
            cv.wait(lock, [&] { return stop || claimed >= n || claimable(); });
            if (stop || claimed >= n) {
                return;
            }
            const size_t b = claimed++;
            lock.unlock();
            try {
                prepare(b);
            } catch (...) {
                lock.lock();
                failed = std::current_exception();
                stop = true;
                cv.notify_all();
                return;
            }
            lock.lock();
            ready[b] = 1;
            cv.notify_all();
        }
    });
    auto finish = [&] {
        {
            std::lock_guard<std::mutex> lock(m);
            stop = true;
        }
        cv.notify_all();
        helper.join();
    };
    try {
        for (size_t k = 0; k < n; ++k) {
            std::unique_lock<std::mutex> lock(m);
            while (!ready[k] && !failed) {
                if (claimable()) {
                    const size_t b = claimed++;
                    lock.unlock();
                    prepare(b);
                    lock.lock();
                    ready[b] = 1;
                    cv.notify_all();
                } else {
                    cv.wait(lock);
                }
            }
            if (failed) {
                break;
            }
            lock.unlock();
            consume(k);
            lock.lock();
            ++consumed;
            cv.notify_all();
        }
    } catch (...) {
        finish();
        throw;
    }
    finish();
    if (failed) {
        std::rethrow_exception(failed);
    }
}

} // namespace socwb::scoring
