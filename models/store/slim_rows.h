// How schema v4 stores proxy and DNS rows slim (issue 10): repeated text (method, scheme, user
// agent, content type, action, client and server addresses, DNS types, codes and answers) is
// interned into `strings` and rows carry its id; a proxy row keeps the URL's parts (scheme, domain,
// port, path, query) and stores the URL itself only when those parts do not rebuild it exactly.
// The views `proxy_events` and `dns_events` give the old shape, full URL included.
//
// The rebuild rule lives here twice — as C++ for the writer's "does it rebuild?" check, and as SQL
// for the view and the migration — next to each other so they are read and changed together;
// tst_storage's round-trip test holds them to the same answer for every line of every proxy log.
#pragma once

#include <sqlite3.h>

#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_map>

#include "statement.h"

namespace socwb::slim {

// The scheme's default port (http 80, https 443, ftp 21), or -1.
int defaultPort(std::string_view scheme);

// Appends the URL that scheme, host, port, path and query rebuild to `out`:
//   [scheme "://"] [host, bracketed when it holds ':'] [":" port unless NULL or the scheme's
//   default] [path] ["?" query]
// Empty views and port < 0 stand for NULL, as they are stored.
void rebuildUrl(std::string& out, std::string_view scheme, std::string_view host, int64_t port, std::string_view path,
                std::string_view query);

// What a proxy row stores in its `url` column, given the URL as logged and its parts (host as the
// domains table holds it): nothing (NULL, returns false) when the parts rebuild it; otherwise the
// logged URL verbatim, or "" for a line that logged no URL although parts were known.
bool urlToStore(std::string& scratch, std::string_view loggedUrl, std::string_view scheme, std::string_view host,
                int64_t port, std::string_view path, std::string_view query);

// The same rule in SQL over column expressions: the expression gives the URL, or NULL when the
// line logged none. `stored` is the row's url column.
std::string urlSql(const std::string& stored, const std::string& scheme, const std::string& host,
                   const std::string& port, const std::string& path, const std::string& query);

// Interns text into `strings` for one writer connection: a lookup in a bounded cache, else in the
// table's unique index, else an insert. Empty text is 0 (stored as NULL).
class StringInterner {
  public:
    explicit StringInterner(sqlite3* db);
    int64_t id(std::string_view value);
    // The cache holds at most this many strings; a log with more distinct values looks the rest up.
    static constexpr size_t kMaxCached = 200000;

  private:
    struct Hash {
        using is_transparent = void;
        size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
    };
    std::unordered_map<std::string, int64_t, Hash, std::equal_to<>> cache_;
    Statement find_, insert_;
    sqlite3* db_;
};

// Reads interned text back by id for one connection, each id once. The strings keep their
// addresses while the lookup lives (map nodes do not move), so callers may hold pointers to them.
class StringLookup {
  public:
    explicit StringLookup(sqlite3* db);
    // The text of a strings.id; "" for 0 (NULL) or an id the table does not hold.
    const std::string& text(int64_t id);

  private:
    Statement find_;
    std::unordered_map<int64_t, std::string> cache_;
    const std::string empty_;
};

} // namespace socwb::slim
