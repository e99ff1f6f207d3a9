// Zeek ssl.log, TSV or JSON lines (see zeek_log.h for both forms and the pipeline variants), into
// TLS sessions:
//   uid -> uid (the conn.log row of the same connection)   id.* -> addresses and ports
//   server_name -> SNI (no final dot)   version -> version as logged (TLSv12)   cipher -> cipher
//   established, resumed -> T/F   subject, issuer -> the server certificate's, where logged (Zeek
//   before 4.2; later versions put them in x509.log)   ja3, ja3s (the ja3 package), ja4, ja4s (the
//   JA4+ package) -> fingerprints where logged
#pragma once

#include "zeek_log.h"

namespace socwb {

class ZeekSslParser : public ZeekLogParser {
  public:
    explicit ZeekSslParser(const ParserOptions& options = {});
    static int sniff(const SniffSample& sample);

  protected:
    void buildRecord(SourcePos pos, std::string_view line, RecordSink& sink) override;
};

} // namespace socwb
